import "server-only";
import { getLimitsView } from "@/lib/billing/limits-view";
import type { ChatUser } from "@/lib/chat/principal";
import { deleteSessionOrThrow } from "@/lib/chat/sessions";
import { getDb } from "@/lib/db/client";
import { answerTurn, conversationFor } from "../chat-turn";

// SynapseChat's public API: a chat turn by session id with the history kept on the server, the
// user's sessions and messages in its field names, and the daily request limit.

export async function synapseChat(input: {
  user: ChatUser;
  sessionId: string;
  model: string;
  prompt: string;
  requestId: string;
  signal: AbortSignal;
}) {
  const sessionId = await conversationFor({
    userId: input.user.userId,
    externalId: input.sessionId,
    model: input.model,
    firstText: input.prompt,
    create: true,
  });
  const answer = await answerTurn({
    user: input.user,
    sessionId,
    model: input.model,
    text: input.prompt,
    requestId: input.requestId,
    signal: input.signal,
  });
  return { response: answer.text };
}

export async function synapseSessions(userId: string) {
  const db = await getDb();
  const rows = await db.chatSession.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, externalId: true, title: true, createdAt: true },
  });
  return rows.map((s) => ({ session_id: s.externalId ?? s.id, title: s.title, created_at: s.createdAt.toISOString() }));
}

export async function synapseHistory(userId: string, sessionId: string) {
  const id = await conversationFor({ userId, externalId: sessionId, model: "", firstText: "", create: false });
  const db = await getDb();
  const rows = await db.message.findMany({
    where: { sessionId: id },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { role: true, model: true, text: true, createdAt: true },
  });
  return rows.map((m) => ({ role: m.role, model: m.model, content: m.text, timestamp: m.createdAt.toISOString() }));
}

export async function deleteSynapseSession(userId: string, sessionId: string) {
  const id = await conversationFor({ userId, externalId: sessionId, model: "", firstText: "", create: false });
  await deleteSessionOrThrow(id, userId);
  return { detail: "Session deleted", session_id: sessionId };
}

/** The user's own daily request limit (the account level; a group's or the global one may be lower). */
export async function synapseLimits(user: ChatUser) {
  const view = await getLimitsView({ userId: user.userId, groupId: user.groupId });
  const own = view.levels.find((l) => l.scope === "USER");
  return {
    daily_limit: own?.dailyRequestLimit ?? null,
    used: own?.dailyUsed ?? 0,
    remaining: own?.dailyRemaining ?? null,
  };
}
