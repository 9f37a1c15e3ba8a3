import "server-only";
import { randomUUID } from "node:crypto";
import { MESSAGE_TEXT_MAX } from "@/lib/chat/limits";
import { saveAssistantMessage, saveUserTurn, titleFromText } from "@/lib/chat/messages";
import { type ChatUser, chatPrincipal } from "@/lib/chat/principal";
import { getDb } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { runChatCompletion } from "@/lib/gateway/pipeline";
import { resolveModelOrThrow } from "@/lib/providers/catalog";

// One server-side chat turn for the seed systems whose clients send only the new message (a
// SynapseChat prompt, a Bothub message): stored like a chat-page turn, answered through the one
// gateway pipeline with the user's principal, so limits, billing and records are the same.

/** The user's conversation a client names by its own id (created on first use), or Tollgate's id. */
export async function conversationFor(input: {
  userId: string;
  externalId: string;
  model: string;
  firstText: string;
  create: boolean;
}): Promise<string> {
  const db = await getDb();
  const where = { userId_externalId: { userId: input.userId, externalId: input.externalId } };
  const found =
    (await db.chatSession.findUnique({ where, select: { id: true } })) ??
    (await db.chatSession.findFirst({
      where: { id: input.externalId, userId: input.userId, externalId: null },
      select: { id: true },
    }));
  if (found) return found.id;
  if (!input.create) throw new AppError("not_found", "Session not found");
  try {
    const created = await db.chatSession.create({
      data: {
        userId: input.userId,
        externalId: input.externalId,
        source: "CHAT",
        title: titleFromText(input.firstText),
        model: input.model,
      },
      select: { id: true },
    });
    return created.id;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return (await db.chatSession.findUniqueOrThrow({ where, select: { id: true } })).id;
  }
}

type Answer = { text: string; model: string; usage: { prompt_tokens: number; completion_tokens: number } | null };

/** Saves the user's message, asks the model with the whole stored conversation, saves and returns the answer. */
export async function answerTurn(input: {
  user: ChatUser;
  sessionId: string;
  model: string;
  text: string;
  requestId: string;
  signal: AbortSignal;
}): Promise<Answer> {
  if (input.text.length > MESSAGE_TEXT_MAX)
    throw new AppError("validation_error", `prompt: must be at most ${MESSAGE_TEXT_MAX} characters`, {
      param: "prompt",
    });
  const model = await resolveModelOrThrow(input.model);
  const principal = await chatPrincipal(input.user);
  const turn = await saveUserTurn({
    userId: input.user.userId,
    request: {
      sessionId: input.sessionId,
      model: model.publicId,
      action: "submit",
      message: { id: randomUUID(), role: "user", parts: [{ type: "text", text: input.text }] },
    },
  });
  const messages = turn.history
    .filter((m) => m.text)
    .map((m) => ({ role: m.role as "user" | "assistant" | "system", content: m.text }));
  const res = await runChatCompletion({
    principal,
    body: { model: model.publicId, messages },
    requestId: input.requestId,
    signal: input.signal,
    sessionId: turn.sessionId,
  });
  const body = (await res.json()) as {
    choices?: Array<{ message?: { content?: string | null } }>;
    usage?: Answer["usage"];
  };
  const text = body.choices?.[0]?.message?.content ?? "";
  const id = randomUUID();
  await saveAssistantMessage({
    id,
    sessionId: turn.sessionId,
    parentId: turn.history.at(-1)?.id ?? null,
    message: { id, role: "assistant", parts: [{ type: "text", text }] },
    model: model.publicId,
    partial: false,
    requestId: input.requestId,
  });
  return { text, model: model.publicId, usage: body.usage ?? null };
}
