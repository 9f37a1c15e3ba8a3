import "server-only";
import { parseQuery } from "@/lib/api/body";
import { type HandlerContext, wrap } from "@/lib/api/handler";
import { type Caller, requireAdmin, resolveCallerOrThrow } from "@/lib/auth/caller";
import { callerFromAccessToken } from "@/lib/auth/methods/bearer-token";
import { type ChatUser, requireChatUser } from "@/lib/chat/principal";
import { AppError } from "@/lib/errors";
import { expressError } from "../errors";
import { chatgptThreadQuery } from "./schemas";

// The ChatGPT-style app's ways in: `s=` on the chat routes — the host's signed SSO token on
// /chat/thread (taken once, exchanged for a Tollgate access token), that access token after —
// an administrator on the dashboard, and the signed integration call on /int/tokens.

type Handler<P, C> = (ctx: HandlerContext<P, C>) => Promise<Response | object | null>;

/** The user behind `s` (a Tollgate access token) — or, for scripts, Tollgate's own credentials in the Authorization header. Throws 401. */
export async function chatUserFromS(req: Request): Promise<ChatUser & { caller: Caller }> {
  if (!new URL(req.url).searchParams.has("s") && req.headers.has("authorization")) {
    const caller = await resolveCallerOrThrow(req);
    return { ...requireChatUser(caller), caller };
  }
  const { s } = parseQuery(req, chatgptThreadQuery.loose());
  const caller = await callerFromAccessToken(s).catch(() => {
    throw new AppError(
      "unauthorized",
      "The session (s) is invalid or expired: open the chat again from the host site (GET /chat/thread with its signed token)",
    );
  });
  return { ...requireChatUser(caller), caller };
}

export function withChatgptPublic<P = Record<string, never>>(handler: Handler<P, null>) {
  return wrap<P, null>(async () => null, handler, expressError);
}

export function withChatgptSession<P = Record<string, never>>(handler: Handler<P, ChatUser & { caller: Caller }>) {
  return wrap<P, ChatUser & { caller: Caller }>(chatUserFromS, handler, expressError);
}

export function withChatgptAdmin<P = Record<string, never>>(handler: Handler<P, Caller>) {
  return wrap<P, Caller>(
    async (req) => {
      const caller = await resolveCallerOrThrow(req);
      requireAdmin(caller);
      return caller;
    },
    handler,
    expressError,
  );
}
