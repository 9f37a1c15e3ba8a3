import "server-only";
import { randomUUID } from "node:crypto";
import mammoth from "mammoth";
import { extractText, getDocumentProxy } from "unpdf";
import { estimateTokens } from "@/lib/billing/estimate";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getSettingsCached } from "@/lib/settings";
import type { UserMessageInput } from "@/lib/validations/chat";
import { DOCX_TYPE } from "./limits";

// Files as context. A document (PDF, DOCX, text, Markdown, CSV, code) is turned into text here, once,
// when its message is sent: the text goes to the model (so it counts against the context window and
// is billed as input like any prompt), the file is kept as sent for its owner to download. A file
// that cannot be read refuses the whole message before anything is stored.

export type ExtractedFile = { id: string; name: string; mediaType: string; data: Buffer; text: string; tokens: number };

const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+);base64,([A-Za-z0-9+/]*={0,2})$/;

/** Where a stored file is downloaded; the chat message keeps this instead of the file's bytes. */
export function fileUrl(id: string): string {
  return `/api/chat/files/${id}`;
}

function unreadable(name: string, why: string): AppError {
  return new AppError("validation_error", `message.parts: '${name}' ${why}`, { param: "message.parts" });
}

async function pdfText(name: string, data: Buffer, maxPages: number): Promise<string> {
  let pdf;
  try {
    pdf = await getDocumentProxy(new Uint8Array(data));
  } catch {
    throw unreadable(name, "is not a readable PDF (it may be damaged or encrypted)");
  }
  if (pdf.numPages > maxPages) throw unreadable(name, `has ${pdf.numPages} pages; at most ${maxPages} can be attached`);
  const { text } = await extractText(pdf, { mergePages: true });
  return text;
}

async function docxText(name: string, data: Buffer): Promise<string> {
  try {
    return (await mammoth.extractRawText({ buffer: data })).value;
  } catch {
    throw unreadable(name, "is not a readable Word document (DOCX)");
  }
}

function plainText(name: string, data: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    throw unreadable(name, "is not UTF-8 text");
  }
  if (text.includes("\u0000")) throw unreadable(name, "is not text (it holds binary data)");
  return text;
}

/** Reads every document of a message (images stay as they are); refuses the message when one cannot be read or is too large. */
export async function extractDocumentsOrThrow(
  message: UserMessageInput,
  contextWindow: number | null,
): Promise<ExtractedFile[]> {
  const documents = message.parts.filter((p) => p.type === "file" && !p.mediaType.startsWith("image/"));
  const files = message.parts.filter((p) => p.type === "file");
  if (documents.length === 0) return [];
  const { chatFiles: limits } = await getSettingsCached();
  if (files.length > limits.maxFiles)
    throw new AppError("validation_error", `message.parts: at most ${limits.maxFiles} files per message`, {
      param: "message.parts",
    });
  const out: ExtractedFile[] = [];
  for (const part of documents) {
    if (part.type !== "file") continue;
    const name = part.filename || "attachment";
    const match = DATA_URL.exec(part.url);
    if (!match) throw unreadable(name, "is not a base64 data URL");
    if ((match[2].length * 3) / 4 > limits.maxBytes + 3)
      throw unreadable(name, `is larger than ${Math.floor(limits.maxBytes / 1024 / 1024)} MB`);
    const data = Buffer.from(match[2], "base64");
    if (data.length > limits.maxBytes)
      throw unreadable(name, `is larger than ${Math.floor(limits.maxBytes / 1024 / 1024)} MB`);
    const raw =
      part.mediaType === "application/pdf"
        ? await pdfText(name, data, limits.maxPdfPages)
        : part.mediaType === DOCX_TYPE
          ? await docxText(name, data)
          : plainText(name, data);
    const text = raw.trim();
    if (!text) throw unreadable(name, "has no text to read");
    out.push({ id: randomUUID(), name, mediaType: part.mediaType, data, text, tokens: estimateTokens(text) });
  }
  const tokens = out.reduce((n, f) => n + f.tokens, 0);
  if (contextWindow !== null && tokens > contextWindow) {
    throw new AppError(
      "validation_error",
      `message.parts: the attached files hold about ${tokens.toLocaleString("en-US")} tokens, more than the model's context window (${contextWindow.toLocaleString("en-US")}); attach less, or pick a model with a larger window`,
      { param: "message.parts" },
    );
  }
  return out;
}

/** The message as stored: each document's bytes replaced by its download link (the bytes live in ChatFile). */
export function withStoredFiles(message: UserMessageInput, files: ExtractedFile[]): UserMessageInput {
  let next = 0;
  return {
    ...message,
    parts: message.parts.map((p) =>
      p.type === "file" && !p.mediaType.startsWith("image/") ? { ...p, url: fileUrl(files[next++].id) } : p,
    ),
  };
}

/** What the model reads for each stored document, by its download link. */
export async function documentTextsFor(messageIds: string[]): Promise<Map<string, { name: string; text: string }>> {
  if (messageIds.length === 0) return new Map();
  const db = await getDb();
  const rows = await db.chatFile.findMany({
    where: { messageId: { in: messageIds } },
    select: { id: true, name: true, text: true },
  });
  return new Map(rows.map((r) => [fileUrl(r.id), { name: r.name, text: r.text }]));
}

/** GET /api/chat/files/{id}: the file as it was sent, to its owner only. */
export async function downloadFileOrThrow(id: string, userId: string): Promise<Response> {
  const db = await getDb();
  const file = await db.chatFile.findFirst({
    where: { id, userId },
    select: { name: true, mediaType: true, data: true },
  });
  if (!file) throw new AppError("not_found", "File not found");
  const ascii = file.name.replace(/[^\x20-\x7e]/g, "_").replace(/"/g, "'");
  return new Response(new Uint8Array(file.data), {
    headers: {
      "content-type": file.mediaType,
      "content-disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
