import "server-only";
import { callerFromAccessToken } from "@/lib/auth/methods/bearer-token";
import { acceptSsoToken } from "@/lib/auth/methods/sso";
import { issueTokens, verifyAccessToken } from "@/lib/auth/tokens";
import { getLimitsView } from "@/lib/billing/limits-view";
import { setMessageFlagOrThrow } from "@/lib/chat/messages";
import { type ChatUser, requireChatUser } from "@/lib/chat/principal";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { answerTurn } from "../chat-turn";

// The ChatGPT-style app's chat: a thread per user (its latest conversation, or a new one), its
// messages answered through the pipeline with the user's token allowance and grants, and flags.

async function threadView(userId: string, threadId: string) {
  const db = await getDb();
  const thread = await db.chatSession.findFirstOrThrow({
    where: { id: threadId, userId },
    select: { id: true, title: true, model: true, createdAt: true },
  });
  const messages = await db.message.findMany({
    where: { sessionId: threadId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 500,
    select: { id: true, role: true, text: true, flagged: true, createdAt: true },
  });
  return {
    ...thread,
    messages: messages.map((m) => ({
      id: m.id,
      role: m.role,
      content: m.text,
      flagged: m.flagged,
      created_at: m.createdAt,
    })),
  };
}

async function userView(user: ChatUser) {
  const db = await getDb();
  const u = await db.user.findUniqueOrThrow({
    where: { id: user.userId },
    select: { id: true, email: true, name: true, externalId: true },
  });
  const own = (await getLimitsView({ userId: user.userId, groupId: user.groupId })).levels.find(
    (l) => l.scope === "USER",
  );
  return {
    ...u,
    token_balance: own?.tokenAllowance ?? null,
    token_grant: own?.grantAmount ?? null,
    next_grant_at: own?.nextGrantAt ?? null,
  };
}

/** `s` is the host's SSO token (first visit: the user is created or updated, and gets a Tollgate session) or that session's token. */
export async function openThread(s: string, model: string | null) {
  let access = s;
  let expiresIn: number | null = null;
  if (!(await verifyAccessToken(s))) {
    const tokens = await issueTokens(await acceptSsoToken(s));
    access = tokens.access_token;
    expiresIn = tokens.expires_in;
  }
  const user = requireChatUser(await callerFromAccessToken(access));
  const db = await getDb();
  const latest = await db.chatSession.findFirst({
    where: { userId: user.userId, source: "CHAT" },
    orderBy: { updatedAt: "desc" },
    select: { id: true },
  });
  const threadId =
    latest?.id ??
    (
      await db.chatSession.create({
        data: { userId: user.userId, source: "CHAT", title: "New chat", model },
        select: { id: true },
      })
    ).id;
  return {
    thread: await threadView(user.userId, threadId),
    user: await userView(user),
    session: { s: access, ...(expiresIn ? { expires_in: expiresIn } : {}) },
  };
}

async function ownThreadOrThrow(userId: string, threadId: string) {
  const db = await getDb();
  const t = await db.chatSession.findFirst({ where: { id: threadId, userId }, select: { id: true, model: true } });
  if (!t) throw new AppError("not_found", "Thread not found");
  return t;
}

export async function flagInThread(input: { user: ChatUser; threadId: string; messageId: string }) {
  await ownThreadOrThrow(input.user.userId, input.threadId);
  const db = await getDb();
  if (
    !(await db.message.findFirst({ where: { id: input.messageId, sessionId: input.threadId }, select: { id: true } }))
  )
    throw new AppError("not_found", "Message not found");
  const m = await setMessageFlagOrThrow({ messageId: input.messageId, userId: input.user.userId, flagged: true });
  return { flagged: m.flagged, id: m.id };
}

/** One turn, as server-sent events: the answer's text, then the usage, then `done`. Errors before the answer keep their status (429 for a spent allowance). */
export async function messageEvents(input: {
  user: ChatUser;
  threadId: string;
  text: string;
  model: string | null;
  requestId: string;
  signal: AbortSignal;
}) {
  const thread = await ownThreadOrThrow(input.user.userId, input.threadId);
  const model = thread.model ?? input.model;
  if (!model)
    throw new AppError("validation_error", "model: this thread has no model; set OPENAI_MODEL on the server", {
      param: "model",
    });
  const answer = await answerTurn({
    user: input.user,
    sessionId: thread.id,
    model,
    text: input.text,
    requestId: input.requestId,
    signal: input.signal,
  });
  const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  const body =
    event("delta", { text: answer.text }) + event("usage", answer.usage ?? {}) + event("done", { thread: thread.id });
  return new Response(body, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
  });
}

/** An image the user attached: `id` is `<message id>:<part index>`. */
export async function attachedFile(input: { user: ChatUser; id: string }) {
  const [messageId, index] = input.id.split(":");
  const db = await getDb();
  const m = await db.message.findFirst({
    where: { id: messageId, session: { userId: input.user.userId } },
    select: { parts: true },
  });
  const part = Array.isArray(m?.parts)
    ? (m.parts[Number(index)] as { type?: string; url?: string; mediaType?: string } | undefined)
    : undefined;
  const match =
    part?.type === "file" && typeof part.url === "string" ? /^data:([\w/+.-]+);base64,(.*)$/s.exec(part.url) : null;
  if (!match) throw new AppError("bad_request", "id: there is no file with this id");
  return new Response(Buffer.from(match[2], "base64"), {
    headers: { "content-type": match[1], "cache-control": "private, max-age=3600" },
  });
}
