import "server-only";
import { type HandlerContext, wrap } from "@/lib/api/handler";
import { type Caller, resolveCallerOrThrow } from "@/lib/auth/caller";
import { fastApiError } from "../errors";

// Brousla's ways in: its login's bearer token (Tollgate's own access token) on /auth/me and
// /api/*, FastAPI's `{ "detail": … }` errors everywhere.

type Handler<P, C> = (ctx: HandlerContext<P, C>) => Promise<Response | object | null>;

export function withBrouslaPublic<P = Record<string, never>>(handler: Handler<P, null>) {
  return wrap<P, null>(async () => null, handler, fastApiError);
}

export function withBrouslaUser<P = Record<string, never>>(handler: Handler<P, Caller>) {
  return wrap<P, Caller>(resolveCallerOrThrow, handler, fastApiError);
}
