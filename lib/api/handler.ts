import "server-only";
import { randomUUID } from "node:crypto";
import { NextResponse } from "next/server";
import { type Caller, requireAdmin, resolveCallerOrThrow } from "@/lib/auth/caller";
import { config } from "@/lib/config";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { isGatewayAnswer, servedDirectly, webResponse, withDirectFailure } from "@/lib/direct-path.mjs";
import { AppError, anthropicErrorBody, errorBody, isAppError, openAiErrorBody } from "@/lib/errors";
import { logger } from "@/lib/logging/logger";
import { transportSecurity } from "@/security-headers.mjs";
import { refuseUnstorableText } from "./body";
import { assertSameOriginOrThrow, carriesAmbientCredentials, changesState } from "./same-origin";

// One wrapper per kind of caller: authentication, role checks and error mapping live here,
// so route handlers only parse, call lib/ and return.

type RouteContext<P> = { params: Promise<P> };
export type HandlerContext<P, C> = { req: Request; params: P; caller: C; requestId: string };
type Handler<P, C> = (ctx: HandlerContext<P, C>) => Promise<Response | object | null>;
/** Ours, OpenAI's, Anthropic's, or a seed system's own (lib/compat): a function from the error to the body. */
export type ErrorShape = "tollgate" | "openai" | "anthropic" | ((err: AppError) => object);

export function toErrorResponse(err: unknown, requestId: string, shape: ErrorShape = "tollgate"): Response {
  const appError = isAppError(err)
    ? err
    : isDatabaseUnavailable(err)
      ? databaseUnavailable(err, requestId)
      : internal(err, requestId);
  const body =
    typeof shape === "function"
      ? shape(appError)
      : shape === "openai"
        ? openAiErrorBody(appError)
        : shape === "anthropic"
          ? anthropicErrorBody(appError)
          : errorBody(appError);
  return NextResponse.json(body, {
    status: appError.status,
    headers: { "x-request-id": requestId, ...appError.options.headers },
  });
}

// Not a bug but an outage: a clear 503 the client may retry, not an "internal error".
function databaseUnavailable(err: unknown, requestId: string): AppError {
  logger.warn(
    { requestId, err: err instanceof Error ? err.message.split("\n").at(-1) : String(err) },
    "database unavailable",
  );
  return new AppError("unavailable", "The database is temporarily unavailable; please retry shortly", {
    headers: { "retry-after": "2" },
  });
}

function internal(err: unknown, requestId: string): AppError {
  logger.error(
    { requestId, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) },
    "unhandled error",
  );
  return new AppError("internal_error", `Internal error (request id ${requestId})`);
}

/** The wrapper every kind of caller shares; lib/compat builds its seed systems' ways in on it. */
export function wrap<P, C>(
  resolve: (req: Request) => Promise<C>,
  handler: Handler<P, C>,
  shape: ErrorShape = "tollgate",
) {
  const route = async (req: Request, context?: RouteContext<P>): Promise<Response> => {
    const requestId = requestIdOf(req);
    try {
      // Cross-site request forgery: any change a browser could send with our cookie, whichever
      // wrapper (withPublic too: logout, register, login with a stale cookie) and before any work.
      const checkOrigin = changesState(req);
      if (checkOrigin && carriesAmbientCredentials(req)) assertSameOriginOrThrow(req);
      const caller = await resolve(req);
      // A caller the session cookie authenticated, however it reached us, changes nothing cross-site;
      // nor does HTTP Basic sent by a browser (it replays credentials once given them, like a cookie).
      if (checkOrigin && (isSessionCaller(caller) || isBrowserBasicCaller(caller, req))) assertSameOriginOrThrow(req);
      const params = (await context?.params) ?? ({} as P);
      refuseUnstorableText(params); // path ids go straight into queries, where PostgreSQL would choke on them
      const result = await handler({ req, params, caller, requestId });
      // The one seam of the direct path (lib/direct-path.mjs): a gateway answer leaves as its text or
      // chunk source when scripts/serve.mjs serves the call, as an ordinary body otherwise.
      const answer = result instanceof Response || isGatewayAnswer(result) ? result : NextResponse.json(result);
      const res = servedDirectly(req) ? answer : webResponse(answer);
      res.headers.set("x-request-id", requestId);
      return withTransportSecurity(res);
    } catch (err) {
      return withTransportSecurity(toErrorResponse(err, requestId, shape));
    }
  };
  // A failure scripts/serve.mjs meets itself is answered as this route answers its own.
  return withDirectFailure(route, (req, err) => withTransportSecurity(toErrorResponse(err, requestIdOf(req), shape)));
}

/** The client's x-request-id (64 safe characters at most), or a new one. */
function requestIdOf(req: Request): string {
  return (
    req.headers
      .get("x-request-id")
      ?.slice(0, 64)
      .replace(/[^\w.-]/g, "") || randomUUID()
  );
}

/** Served over https (APP_URL): browsers must never fall back to plain http for this host (pages get it from proxy.ts). */
function withTransportSecurity(res: Response): Response {
  // From the parsed configuration: reading process.env on every request cost ~4 µs.
  const hsts = transportSecurity({ APP_URL: config().appOrigin });
  if (hsts) res.headers.set("strict-transport-security", hsts);
  return res;
}

const isSessionCaller = (caller: unknown): boolean => (caller as Partial<Caller> | null)?.via === "session";
/** Basic from a browser, which sends Origin on every cross-origin change; a script sends none and is let be. */
const isBrowserBasicCaller = (caller: unknown, req: Request): boolean =>
  (caller as Partial<Caller> | null)?.via === "basic" && req.headers.has("origin");

export function withPublic<P = Record<string, never>>(handler: Handler<P, null>) {
  return wrap<P, null>(async () => null, handler);
}

export function withUser<P = Record<string, never>>(handler: Handler<P, Caller>) {
  return wrap<P, Caller>(resolveCallerOrThrow, handler);
}

export function withAdmin<P = Record<string, never>>(handler: Handler<P, Caller>) {
  return wrap<P, Caller>(async (req) => {
    const caller = await resolveCallerOrThrow(req);
    requireAdmin(caller);
    return caller;
  }, handler);
}

/** For /api/v1: errors in OpenAI's shape. The handler authenticates itself (the gateway does). */
export function withOpenAiErrors<P = Record<string, never>>(handler: Handler<P, null>) {
  return wrap<P, null>(async () => null, handler, "openai");
}

/** For /api/v1/messages: errors in Anthropic's shape. The handler authenticates itself. */
export function withAnthropicErrors<P = Record<string, never>>(handler: Handler<P, null>) {
  return wrap<P, null>(async () => null, handler, "anthropic");
}

export function created(body: object): Response {
  return NextResponse.json(body, { status: 201 });
}

export function notFound(what: string): AppError {
  return new AppError("not_found", `${what} not found`);
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];

/**
 * For an /api/v1 route: handlers for the methods it does not serve, answering 405 in OpenAI's
 * shape with an Allow header (Next.js would answer an empty 405). Spread into the route's exports:
 * `export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed(["POST"]);`
 */
export function methodsNotAllowed(allowed: Method[]): Record<Method, (req: Request) => Promise<Response>> {
  const allow = allowed.join(", ");
  const handler = withOpenAiErrors(async ({ req }) => {
    throw new AppError(
      "method_not_allowed",
      `${req.method} is not allowed on ${new URL(req.url).pathname}; use ${allow}`,
      { headers: { allow } },
    );
  });
  return Object.fromEntries(
    METHODS.map((m) => [m, (req: Request) => handler(req, { params: Promise.resolve({}) })]),
  ) as Record<Method, (req: Request) => Promise<Response>>;
}
