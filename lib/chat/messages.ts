import "server-only";
import { randomUUID } from "node:crypto";
import type { Prisma } from "@/lib/generated/prisma/client";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logging/logger";
import { announceSessionChange } from "./sessions";
import { TITLE_MAX } from "./limits";
import type { ChatRequest, UserMessageInput } from "./schemas";
import { messageText, type ChatUIMessage } from "./ui-message";

// Saving a conversation's turns. The user's turn is written before the model is called (so it is
// never lost), the answer when it ends — completely or, when the user stops, as a partial answer.

type Tx = Prisma.TransactionClient;

const messageRow = { id: true, role: true, parts: true, text: true, model: true, partial: true, createdAt: true } as const;
export type MessageRow = Prisma.MessageGetPayload<{ select: typeof messageRow }>;

export type SavedTurn = { sessionId: string; isNewSession: boolean; title: string; history: MessageRow[] };

export function titleFromText(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.slice(0, TITLE_MAX) || "New chat";
}

async function listRows(tx: Tx, sessionId: string): Promise<MessageRow[]> {
  return tx.message.findMany({ where: { sessionId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: messageRow });
}

async function openSession(tx: Tx, input: { userId: string; sessionId?: string | null; model: string; message?: UserMessageInput }) {
  if (!input.sessionId) {
    const title = titleFromText(input.message ? messageText(input.message) : "");
    const created = await tx.chatSession.create({ data: { userId: input.userId, source: "CHAT", title, model: input.model }, select: { id: true, title: true } });
    return { id: created.id, title: created.title, isNew: true };
  }
  const session = await tx.chatSession.findFirst({ where: { id: input.sessionId, userId: input.userId }, select: { id: true, title: true, source: true } });
  if (!session) throw new AppError("not_found", "Conversation not found");
  if (session.source === "API") throw new AppError("conflict", "This conversation came in through the API; start a new chat to continue it here");
  await tx.chatSession.update({ where: { id: session.id }, data: { model: input.model } });
  return { id: session.id, title: session.title, isNew: false };
}

async function insertUserMessage(tx: Tx, sessionId: string, message: UserMessageInput, model: string): Promise<void> {
  // Keep the browser's id so the open tab and the stored history agree; an id already taken gets a fresh one.
  const taken = await tx.message.findUnique({ where: { id: message.id }, select: { id: true } });
  await tx.message.create({
    data: { id: taken ? randomUUID() : message.id, sessionId, role: "user", parts: message.parts as Prisma.InputJsonValue, text: messageText(message), model },
  });
}

/** Applies a submit, edit or regenerate to the stored conversation and returns the history to answer. */
export async function saveUserTurn(input: { userId: string; request: ChatRequest }): Promise<SavedTurn> {
  const { request } = input;
  const db = await getDb();
  const result = await db.$transaction(async (tx) => {
    const session = await openSession(tx, { userId: input.userId, sessionId: request.sessionId, model: request.model, message: request.message });
    const rows = await listRows(tx, session.id);
    const lastUser = rows.findLastIndex((m) => m.role === "user");
    if (request.action === "submit") {
      await insertUserMessage(tx, session.id, request.message!, request.model);
    } else {
      if (lastUser < 0) throw new AppError("conflict", "There is no message to answer again yet");
      if (request.action === "edit" && rows[lastUser].id !== request.message!.id) {
        throw new AppError("conflict", "Only the last message you sent can be edited");
      }
      const from = request.action === "edit" ? lastUser : lastUser + 1;
      const dropped = rows.slice(from).map((m) => m.id);
      if (dropped.length) await tx.message.deleteMany({ where: { id: { in: dropped } } });
      if (request.action === "edit") await insertUserMessage(tx, session.id, request.message!, request.model);
    }
    return { sessionId: session.id, isNewSession: session.isNew, title: session.title, history: await listRows(tx, session.id) };
  });
  announceSessionChange(result.sessionId, "message");
  return result;
}

/** Stores the model's answer; `partial` when it was stopped or cut short. Never throws (the stream has ended). */
export async function saveAssistantMessage(input: { id: string; sessionId: string; message: ChatUIMessage; model: string; partial: boolean; requestId: string }): Promise<boolean> {
  const parts = input.message.parts.filter((p) => p.type === "text" || p.type === "reasoning" || p.type === "file");
  const text = messageText(input.message);
  if (!text && parts.length === 0) return false;
  try {
    const db = await getDb();
    await db.$transaction([
      db.message.create({
        data: { id: input.id, sessionId: input.sessionId, role: "assistant", parts: parts as Prisma.InputJsonValue, text, model: input.model, partial: input.partial, requestId: input.requestId },
      }),
      db.chatSession.update({ where: { id: input.sessionId }, data: { updatedAt: new Date() } }),
    ]);
    announceSessionChange(input.sessionId, "message");
    return true;
  } catch (err) {
    // The conversation was deleted while the answer streamed: nothing to keep.
    logger.warn({ sessionId: input.sessionId, err: err instanceof Error ? err.message : String(err) }, "could not save the assistant message");
    return false;
  }
}

export async function setMessageFlagOrThrow(input: { messageId: string; userId: string; flagged: boolean; reason?: string | null }) {
  const db = await getDb();
  const found = await db.message.findFirst({ where: { id: input.messageId, session: { userId: input.userId } }, select: { id: true, sessionId: true } });
  if (!found) throw new AppError("not_found", "Message not found");
  const message = await db.message.update({
    where: { id: found.id },
    data: input.flagged ? { flagged: true, flagReason: input.reason ?? null, flaggedAt: new Date() } : { flagged: false, flagReason: null, flaggedAt: null },
    select: { id: true, flagged: true, flagReason: true, flaggedAt: true },
  });
  announceSessionChange(found.sessionId, "flag");
  return message;
}
