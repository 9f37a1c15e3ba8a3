import "server-only";
import NextAuth from "next-auth";
import { authOptions } from "./options";

// next-auth 4's App Router handler reads cookies and headers through `next/headers`, which only
// works inside Next's request scope. Its API-route handler takes plain objects instead; this
// adapter feeds it from the web Request and builds the web Response, so /api/auth/* behaves the
// same under `next start`, in-process tests and scripts/serve.mjs — and a cookie that is not valid
// percent-encoding is skipped instead of failing the request.

type ApiRequest = {
  method: string;
  query: Record<string, string | string[]>;
  body?: Record<string, string>;
  cookies: Record<string, string>;
  headers: Record<string, string>;
};

function cookiesOf(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    try {
      out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // not ours: ignore it
    }
  }
  return out;
}

async function bodyOf(req: Request): Promise<Record<string, string> | undefined> {
  if (req.method !== "POST") return undefined;
  const type = req.headers.get("content-type") ?? "";
  const text = (await req.text()).slice(0, 64 * 1024);
  if (type.includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(text);
      return parsed && typeof parsed === "object" ? (parsed as Record<string, string>) : {};
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

export async function nextAuthRoute(req: Request, segments: string[]): Promise<Response> {
  const url = new URL(req.url);
  const apiReq: ApiRequest = {
    method: req.method,
    query: { ...Object.fromEntries(url.searchParams), nextauth: segments },
    body: await bodyOf(req),
    cookies: cookiesOf(req.headers.get("cookie")),
    headers: Object.fromEntries(req.headers),
  };
  let status = 200;
  let body: string | undefined;
  const headers = new Headers();
  const apiRes = {
    status(code: number) {
      status = code;
      return apiRes;
    },
    setHeader(name: string, value: string | string[]) {
      headers.delete(name);
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
      return apiRes;
    },
    getHeader: (name: string) =>
      name.toLowerCase() === "set-cookie" ? headers.getSetCookie() : (headers.get(name) ?? undefined),
    end: () => undefined,
    send(payload: unknown) {
      if (payload !== undefined && payload !== null) {
        if (typeof payload === "string") body = payload;
        else {
          body = JSON.stringify(payload);
          if (!headers.has("content-type")) headers.set("content-type", "application/json");
        }
      }
    },
    json(payload: unknown) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(payload);
    },
  };
  // Typed for Next's pages-API objects; the handler uses only the members above.
  await (
    NextAuth as unknown as (
      req: ApiRequest,
      res: typeof apiRes,
      options: ReturnType<typeof authOptions>,
    ) => Promise<void>
  )(apiReq, apiRes, authOptions());
  return new Response(body ?? null, { status, headers });
}
