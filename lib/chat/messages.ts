import "server-only";
import { randomUUID } from "node:crypto";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logging/logger";
import type { ChatRequest, UserMessageInput } from "@/lib/validations/chat";
import { newestLeafFrom, pathTo } from "./branches";
import { type ExtractedFile, extractDocumentsOrThrow, withStoredFiles } from "./files";
import { TITLE_MAX } from "./limits";
import { announceSessionChange } from "./sessions";
import { type ChatUIMessage, messageText } from "./ui-message";

// Saving a conversation's turns. The user's turn is written before the model is called (so it is
// never lost), the answer when it ends — completely or, when the user stops, as a partial answer.
// Nothing is ever replaced: an edited question or a regenerated answer is a new branch (branches.ts).

type Tx = Prisma.TransactionClient;

const messageRow = {
  id: true,
  role: true,
  parts: true,
  text: true,
  model: true,
  partial: true,
  parentId: true,
  createdAt: true,
} as const;
export type MessageRow = Prisma.MessageGetPayload<{ select: typeof messageRow }>;

export type SavedTurn = { sessionId: string; isNewSession: boolean; title: string; history: MessageRow[] };

export function titleFromText(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.slice(0, TITLE_MAX) || "New chat";
}

async function listRows(tx: Tx, sessionId: string): Promise<MessageRow[]> {
  return tx.message.findMany({
    where: { sessionId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: messageRow,
  });
}

async function openSession(
  tx: Tx,
  input: { userId: string; sessionId?: string | null; model: string; message?: UserMessageInput },
) {
  if (!input.sessionId) {
    const title = titleFromText(input.message ? messageText(input.message) : "");
    const created = await tx.chatSession.create({
      data: { userId: input.userId, source: "CHAT", title, model: input.model },
      select: { id: true, title: true },
    });
    return { id: created.id, title: created.title, leafId: null, isNew: true };
  }
  const session = await tx.chatSession.findFirst({
    where: { id: input.sessionId, userId: input.userId },
    select: { id: true, title: true, source: true, leafId: true },
  });
  if (!session) throw new AppError("not_found", "Conversation not found");
  if (session.source === "API")
    throw new AppError("conflict", "This conversation came in through the API; start a new chat to continue it here");
  await tx.chatSession.update({ where: { id: session.id }, data: { model: input.model } });
  return { id: session.id, title: session.title, leafId: session.leafId, isNew: false };
}

async function insertUserMessage(
  tx: Tx,
  turn: { sessionId: string; userId: string; files: ExtractedFile[] },
  message: UserMessageInput,
  model: string,
  parentId: string | null,
): Promise<MessageRow> {
  // Keep the browser's id so the open tab and the stored history agree; an id already taken (an
  // edit keeps the edited message's id in the browser) gets a fresh one.
  const taken = await tx.message.findUnique({ where: { id: message.id }, select: { id: true } });
  const stored = withStoredFiles(message, turn.files);
  const row = await tx.message.create({
    data: {
      id: taken ? randomUUID() : message.id,
      sessionId: turn.sessionId,
      role: "user",
      parts: stored.parts as Prisma.InputJsonValue,
      text: messageText(message),
      model,
      parentId,
    },
    select: messageRow,
  });
  if (turn.files.length) {
    await tx.chatFile.createMany({
      data: turn.files.map((f) => ({
        id: f.id,
        userId: turn.userId,
        messageId: row.id,
        name: f.name,
        mediaType: f.mediaType,
        size: f.data.length,
        data: new Uint8Array(f.data),
        text: f.text,
        tokens: f.tokens,
      })),
    });
  }
  return row;
}

/** The history a turn answers: after a new question, an edited one (a sibling), or the question of an answer to regenerate. */
async function historyForTurn(
  tx: Tx,
  session: { id: string; leafId: string | null },
  request: ChatRequest,
  turn: { userId: string; files: ExtractedFile[] },
): Promise<MessageRow[]> {
  const rows = await listRows(tx, session.id);
  const into = { sessionId: session.id, ...turn };
  if (request.action === "submit") {
    const path = pathTo(rows, session.leafId);
    return [...path, await insertUserMessage(tx, into, request.message!, request.model, path.at(-1)?.id ?? null)];
  }
  if (request.action === "edit") {
    const edited = rows.find((r) => r.id === request.message!.id && r.role === "user");
    if (!edited) throw new AppError("not_found", "The message to edit is not in this conversation");
    const before = edited.parentId ? pathTo(rows, edited.parentId) : [];
    return [...before, await insertUserMessage(tx, into, request.message!, request.model, edited.parentId)];
  }
  // Regenerate: an answer (answered again), a question (answered, e.g. after it failed), or the last question shown.
  const target = request.messageId
    ? rows.find((r) => r.id === request.messageId)
    : pathTo(rows, session.leafId).findLast((r) => r.role === "user");
  if (!target)
    throw new AppError(
      request.messageId ? "not_found" : "conflict",
      request.messageId
        ? "The message to answer again is not in this conversation"
        : "There is no message to answer again yet",
    );
  const question = target.role === "assistant" ? rows.find((r) => r.id === target.parentId) : target;
  if (!question || question.role !== "user")
    throw new AppError("conflict", "That message has no question to answer again");
  return pathTo(rows, question.id);
}

/** Applies a submit, edit or regenerate to the stored conversation and returns the history to answer. */
export async function saveUserTurn(input: {
  userId: string;
  request: ChatRequest;
  contextWindow?: number | null;
}): Promise<SavedTurn> {
  const { request } = input;
  // Documents are read before anything is written: one that cannot be read refuses the whole turn.
  const files =
    request.message && request.action !== "regenerate"
      ? await extractDocumentsOrThrow(request.message, input.contextWindow ?? null)
      : [];
  const db = await getDb();
  const result = await db.$transaction(async (tx) => {
    const session = await openSession(tx, {
      userId: input.userId,
      sessionId: request.sessionId,
      model: request.model,
      message: request.message,
    });
    const history = await historyForTurn(tx, session, request, { userId: input.userId, files });
    // The model a new chat starts with next time, on any device.
    await tx.user.updateMany({
      where: { id: input.userId, OR: [{ lastChatModel: null }, { lastChatModel: { not: request.model } }] },
      data: { lastChatModel: request.model },
    });
    await tx.chatSession.update({ where: { id: session.id }, data: { leafId: history.at(-1)?.id ?? null } });
    return { sessionId: session.id, isNewSession: session.isNew, title: session.title, history };
  });
  announceSessionChange(result.sessionId, "message");
  return result;
}

/** Stores the model's answer after its question, and shows it; `partial` when it was stopped or cut short. Never throws (the stream has ended). */
export async function saveAssistantMessage(input: {
  id: string;
  sessionId: string;
  parentId: string | null;
  message: ChatUIMessage;
  model: string;
  partial: boolean;
  requestId: string;
}): Promise<boolean> {
  const parts = input.message.parts.filter((p) => p.type === "text" || p.type === "reasoning" || p.type === "file");
  const text = messageText(input.message);
  if (!text && parts.length === 0) return false;
  try {
    const db = await getDb();
    await db.$transaction([
      db.message.create({
        data: {
          id: input.id,
          sessionId: input.sessionId,
          role: "assistant",
          parts: parts as Prisma.InputJsonValue,
          text,
          model: input.model,
          partial: input.partial,
          requestId: input.requestId,
          parentId: input.parentId,
        },
      }),
      db.chatSession.update({ where: { id: input.sessionId }, data: { updatedAt: new Date(), leafId: input.id } }),
    ]);
    announceSessionChange(input.sessionId, "message");
    return true;
  } catch (err) {
    // The conversation was deleted while the answer streamed: nothing to keep.
    logger.warn(
      { sessionId: input.sessionId, err: err instanceof Error ? err.message : String(err) },
      "could not save the assistant message",
    );
    return false;
  }
}

/** Shows another branch: the newest path through `messageId` (a sibling the user stepped to). */
export async function switchBranchOrThrow(input: {
  sessionId: string;
  userId: string;
  messageId: string;
}): Promise<void> {
  const db = await getDb();
  const session = await db.chatSession.findFirst({
    where: { id: input.sessionId, userId: input.userId },
    select: { id: true },
  });
  if (!session) throw new AppError("not_found", "Conversation not found");
  const rows = await db.message.findMany({
    where: { sessionId: session.id },
    select: { id: true, parentId: true, createdAt: true },
  });
  if (!rows.some((r) => r.id === input.messageId)) throw new AppError("not_found", "Message not found");
  await db.chatSession.update({ where: { id: session.id }, data: { leafId: newestLeafFrom(rows, input.messageId) } });
  announceSessionChange(session.id, "message");
}

export async function setMessageFlagOrThrow(input: {
  messageId: string;
  userId: string;
  flagged: boolean;
  reason?: string | null;
}) {
  const db = await getDb();
  const found = await db.message.findFirst({
    where: { id: input.messageId, session: { userId: input.userId } },
    select: { id: true, sessionId: true },
  });
  if (!found) throw new AppError("not_found", "Message not found");
  const message = await db.message.update({
    where: { id: found.id },
    data: input.flagged
      ? { flagged: true, flagReason: input.reason ?? null, flaggedAt: new Date() }
      : { flagged: false, flagReason: null, flaggedAt: null },
    select: { id: true, flagged: true, flagReason: true, flaggedAt: true },
  });
  announceSessionChange(found.sessionId, "flag");
  return message;
}
