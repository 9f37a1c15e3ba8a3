import "server-only";
import { type HandlerContext, wrap } from "@/lib/api/handler";
import { type Caller, requireAdmin, resolveCallerOrThrow } from "@/lib/auth/caller";
import { type ChatUser, requireChatUser } from "@/lib/chat/principal";
import { expressError } from "../errors";

// Bothub's ways in: its login's access token (Tollgate's own), Express's `{ message, statusCode }` errors.

type Handler<P, C> = (ctx: HandlerContext<P, C>) => Promise<Response | object | null>;

export function withBothubPublic<P = Record<string, never>>(handler: Handler<P, null>) {
  return wrap<P, null>(async () => null, handler, expressError);
}

export function withBothubUser<P = Record<string, never>>(handler: Handler<P, ChatUser & { caller: Caller }>) {
  return wrap<P, ChatUser & { caller: Caller }>(
    async (req) => {
      const caller = await resolveCallerOrThrow(req);
      return { ...requireChatUser(caller), caller };
    },
    handler,
    expressError,
  );
}

export function withBothubAdmin<P = Record<string, never>>(handler: Handler<P, Caller>) {
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
