import "server-only";
import { NextResponse } from "next/server";
import type { z } from "zod";
import type { AuditEntry } from "@/lib/audit";
import { loginOrThrow } from "@/lib/auth/login";
import { registerAccount } from "@/lib/auth/registration";
import { issueTokens, refreshTokens, type TokenResponse } from "@/lib/auth/tokens";
import { parseAmountOrThrow } from "@/lib/billing/ledger";
import { formatMoney } from "@/lib/billing/money";
import type { ChatUser } from "@/lib/chat/principal";
import { sessionTopic } from "@/lib/chat/sessions";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { sseSnapshots } from "@/lib/events/sse";
import { createModel, createProvider, deleteProvider } from "@/lib/providers/admin";
import { findModel } from "@/lib/providers/catalog";
import { answerTurn } from "../chat-turn";
import type { bothubLoginSchema, bothubMessageSchema, bothubModelSchema, bothubRegisterSchema } from "./schemas";

// Bothub's API over Tollgate's: accounts and tokens are the native ones, a model is a provider
// plus a model with a per-million price, a chat is a conversation answered through the pipeline.
// Two of its behaviours are refused, saying the Tollgate way: choosing one's own role, and
// crediting a balance without a payment.

type Actor = AuditEntry["actor"];

export async function bothubRegister(req: Request, input: z.infer<typeof bothubRegisterSchema>) {
  if (input.role === "ADMIN") {
    throw new AppError(
      "forbidden",
      "role: nobody chooses their own role at registration; an administrator makes a user an admin (POST /api/admin/user/update with role ADMIN)",
      { param: "role" },
    );
  }
  const name = [input.firstName, input.lastName].filter(Boolean).join(" ");
  const result = await registerAccount(req, { email: input.mail, password: input.password, name });
  if ("pending" in result) return NextResponse.json({ message: result.message }, { status: 202 });
  const u = result.user;
  return NextResponse.json(
    { uid: u.id, mail: u.email, firstName: input.firstName ?? "", lastName: input.lastName ?? "", role: u.role },
    { status: 201 },
  );
}

function tokens(t: TokenResponse) {
  return NextResponse.json(
    { accessToken: t.access_token, refreshToken: t.refresh_token, expiresIn: t.expires_in },
    { headers: { "cache-control": "no-store" } },
  );
}

export async function bothubLogin(req: Request, input: z.infer<typeof bothubLoginSchema>) {
  return tokens(await issueTokens(await loginOrThrow(req, input.mail, input.password)));
}

export async function bothubRefresh(refreshToken: string) {
  return tokens(await refreshTokens(refreshToken));
}

export function refuseTopUpWithoutPayment(): never {
  throw new AppError(
    "payment_required",
    "A balance is credited only by a payment (the billing page's checkout) or by an administrator's recharge (POST /api/admin/user/update with balance, or /api/admin/api-key/recharge); nothing was credited",
  );
}

/** Bothub's model: its own upstream (OpenAI-compatible at `api_link`) and a model priced `token_cost` per token, in one step. */
export async function bothubCreateModel(input: { fields: z.infer<typeof bothubModelSchema>; actor: Actor }) {
  const f = input.fields;
  const perToken = parseAmountOrThrow(f.token_cost, "token_cost", { allowZero: true });
  if (perToken >= 1_000_000_000n)
    throw new AppError("validation_error", "token_cost: must be below 1000 per token", { param: "token_cost" });
  const perMillion = formatMoney(perToken * 1_000_000n);
  if (await findModel(f.name)) throw new AppError("conflict", `A model '${f.name}' already exists`, { param: "name" });
  const provider = await createProvider(
    {
      name: `bothub-${f.name.replace(/[^\w.-]/g, "-")}`.slice(0, 64),
      kind: "OPENAI_COMPATIBLE",
      baseUrl: f.api_link,
      apiKey: f.auth_token ?? null,
    },
    input.actor,
  );
  try {
    const model = await createModel(
      {
        publicId: f.name,
        providerId: provider.id,
        upstreamId: f.name,
        description: f.description,
        inputPrice: perMillion,
        outputPrice: perMillion,
      },
      input.actor,
    );
    return {
      uid: model.id,
      name: model.publicId,
      description: model.description,
      token_cost: formatMoney(perToken),
      api_link: f.api_link,
    };
  } catch (err) {
    await deleteProvider(provider.id, input.actor);
    throw err;
  }
}

export async function bothubCreateChat(user: ChatUser) {
  const db = await getDb();
  const chat = await db.chatSession.create({
    data: { userId: user.userId, source: "CHAT", title: "New chat" },
    select: { id: true },
  });
  return { chatUid: chat.id };
}

async function ownChatOrThrow(userId: string, chatUid: string) {
  const db = await getDb();
  const chat = await db.chatSession.findFirst({ where: { id: chatUid, userId }, select: { id: true } });
  if (!chat) throw new AppError("not_found", "Chat not found");
  return chat.id;
}

/** `modelUid` is the uid /model/create answered, or the model's name. */
async function modelNameOrThrow(modelUid: string): Promise<string> {
  const db = await getDb();
  const byId = await db.model.findUnique({ where: { id: modelUid }, select: { publicId: true } });
  return byId?.publicId ?? modelUid;
}

export async function bothubSendMessage(input: {
  user: ChatUser;
  body: z.infer<typeof bothubMessageSchema>;
  requestId: string;
  signal: AbortSignal;
}) {
  const chatUid = await ownChatOrThrow(input.user.userId, input.body.chatUid);
  const model = await modelNameOrThrow(input.body.modelUid);
  const answer = await answerTurn({
    user: input.user,
    sessionId: chatUid,
    model,
    text: input.body.message,
    requestId: input.requestId,
    signal: input.signal,
  });
  return {
    chatUid,
    message: {
      role: "assistant",
      content: answer.text,
      modelUid: input.body.modelUid,
      tokens: answer.usage?.completion_tokens ?? null,
    },
  };
}

async function chatView(chatUid: string) {
  const db = await getDb();
  const chat = await db.chatSession.findUnique({
    where: { id: chatUid },
    select: { id: true, title: true, updatedAt: true },
  });
  if (!chat) return { chatUid, deleted: true };
  const messages = await db.message.findMany({
    where: { sessionId: chatUid },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 50,
    select: { id: true, role: true, text: true, model: true, createdAt: true },
  });
  return {
    chatUid,
    title: chat.title,
    updatedAt: chat.updatedAt,
    messages: messages
      .reverse()
      .map((m) => ({ uid: m.id, role: m.role, content: m.text, model: m.model, createdAt: m.createdAt })),
  };
}

/** SSE: one chat's messages now and after every change. */
export async function bothubChatEvents(input: { user: ChatUser; chatUid: string; request: Request }) {
  const chatUid = await ownChatOrThrow(input.user.userId, input.chatUid);
  return sseSnapshots({ request: input.request, topics: [sessionTopic(chatUid)], snapshot: () => chatView(chatUid) });
}

/** SSE: the user's chats (newest 50) now and after a change to any of them or a settled request. */
export async function bothubAllChatEvents(input: { user: ChatUser; request: Request }) {
  const db = await getDb();
  const chats = await db.chatSession.findMany({
    where: { userId: input.user.userId },
    orderBy: { updatedAt: "desc" },
    take: 50,
    select: { id: true },
  });
  const snapshot = async () => {
    const rows = await db.chatSession.findMany({
      where: { userId: input.user.userId },
      orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
      take: 50,
      select: { id: true, title: true, updatedAt: true },
    });
    return { chats: rows.map((c) => ({ chatUid: c.id, title: c.title, updatedAt: c.updatedAt })) };
  };
  return sseSnapshots({
    request: input.request,
    topics: [`balance:${input.user.userId}`, ...chats.map((c) => sessionTopic(c.id))],
    snapshot,
  });
}
