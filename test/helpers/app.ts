// Calls route handlers in-process, the way Next.js does, against the test file's own database.

import { mintSessionCookieValue } from "@/lib/auth/login";
import { getDb } from "@/lib/db/client";
import { startTollgate } from "@/lib/startup";

type RouteHandler<P> = (req: Request, ctx: { params: Promise<P> }) => Promise<Response>;

let started: Promise<void> | undefined;
export function startApp(): Promise<void> {
  started ??= startTollgate();
  return started;
}

export type CallOptions<P> = {
  method?: string;
  path?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  cookie?: string;
  bearer?: string;
  params?: P;
  signal?: AbortSignal;
  /** The Origin header of a POST, PATCH or DELETE: our own (APP_URL's, else http://localhost) as a browser on our page would send it, unless given; null sends none. */
  origin?: string | null;
};

export async function call<P = Record<string, never>>(
  handler: RouteHandler<P>,
  opts: CallOptions<P> = {},
): Promise<Response> {
  const headers = new Headers(opts.headers);
  if (opts.cookie) headers.set("cookie", opts.cookie);
  if (opts.bearer) headers.set("authorization", `Bearer ${opts.bearer}`);
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers.set("content-type", "application/json");
  }
  const method = opts.method ?? (body === undefined ? "GET" : "POST");
  const ownOrigin = process.env.APP_URL ? new URL(process.env.APP_URL).origin : "http://localhost";
  const origin = opts.origin === undefined ? ownOrigin : opts.origin;
  if (!["GET", "HEAD", "OPTIONS"].includes(method) && origin !== null && !headers.has("origin"))
    headers.set("origin", origin);
  const req = new Request(`http://localhost${opts.path ?? "/"}`, {
    method,
    headers,
    body,
    signal: opts.signal,
  });
  return handler(req, { params: Promise.resolve((opts.params ?? {}) as P) });
}

export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** A session cookie for a user (with its AuthSession row), as /api/auth/login would set it. */
export async function cookieFor(email: string): Promise<string> {
  const db = await getDb();
  const user = await db.user.findUniqueOrThrow({ where: { email } });
  return `next-auth.session-token=${await mintSessionCookieValue(user, "password")}`;
}

export const ADMIN_EMAIL = process.env.ADMIN_EMAIL!;
export const ADMIN_TOKEN = process.env.ADMIN_API_KEY!;
