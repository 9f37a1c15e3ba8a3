import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { publish } from "@/lib/events/bus";
import { sseSnapshots } from "@/lib/events/sse";

// A user's own conversations. Someone else's session is "not found", never "forbidden".

const sessionSummary = {
  id: true,
  title: true,
  source: true,
  model: true,
  apiKeyId: true,
  createdAt: true,
  updatedAt: true,
} as const;

export async function findOwnedSession(id: string, userId: string) {
  const db = await getDb();
  return db.chatSession.findFirst({ where: { id, userId }, select: sessionSummary });
}

export async function getOwnedSessionOrThrow(id: string, userId: string) {
  const session = await findOwnedSession(id, userId);
  if (!session) throw new AppError("not_found", "Conversation not found");
  return session;
}

/** The model the user chatted with last (a new chat starts with it). */
export async function lastChatModel(userId: string): Promise<string | null> {
  const db = await getDb();
  return (await db.user.findUnique({ where: { id: userId }, select: { lastChatModel: true } }))?.lastChatModel ?? null;
}

export function sessionTopic(id: string): string {
  return `session:${id}`;
}

/** Tells every tab (on any instance) that has this conversation open that it changed. */
export function announceSessionChange(id: string, change: "message" | "title" | "deleted" | "flag"): void {
  publish(sessionTopic(id), { change });
}

export async function renameSessionOrThrow(id: string, userId: string, title: string) {
  await getOwnedSessionOrThrow(id, userId);
  const db = await getDb();
  const session = await db.chatSession.update({ where: { id }, data: { title }, select: sessionSummary });
  announceSessionChange(id, "title");
  return session;
}

export async function deleteSessionOrThrow(id: string, userId: string): Promise<void> {
  const db = await getDb();
  const { count } = await db.chatSession.deleteMany({ where: { id, userId } });
  if (count === 0) throw new AppError("not_found", "Conversation not found");
  announceSessionChange(id, "deleted");
}

/** What a tab needs to notice a change: it refetches the conversation when this differs from what it shows. */
async function sessionSnapshot(id: string) {
  const db = await getDb();
  const session = await db.chatSession.findUnique({
    where: { id },
    select: { id: true, title: true, updatedAt: true, leafId: true },
  });
  if (!session) return { id, deleted: true };
  const last = await db.message.findFirst({
    where: { sessionId: id },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  const count = await db.message.count({ where: { sessionId: id } });
  // The message the conversation shows last: a tab follows a switch of branch as it follows a new message.
  return {
    id,
    deleted: false,
    title: session.title,
    updatedAt: session.updatedAt,
    lastMessageId: session.leafId ?? last?.id ?? null,
    messageCount: count,
  };
}

/** SSE: the conversation's state now and after every change (messages saved, title, flags). */
export async function sessionEventsOrThrow(id: string, userId: string, request: Request): Promise<Response> {
  await getOwnedSessionOrThrow(id, userId);
  return sseSnapshots({ request, topics: [sessionTopic(id)], snapshot: () => sessionSnapshot(id) });
}
