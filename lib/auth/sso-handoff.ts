import "server-only";
import { randomUUID } from "node:crypto";
import { isAppError } from "@/lib/errors";
import { logger } from "@/lib/logging/logger";
import { mintSessionCookieValue } from "./login";
import { acceptSsoToken, safeReturnTo, ssoConfigured } from "./methods/sso";
import { sessionCookie } from "./session";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A page, not JSON: the handoff is a browser navigation. */
function errorPage(status: number, message: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in failed · Tollgate</title></head>
<body style="font-family:system-ui;max-width:36rem;margin:4rem auto;padding:0 1rem">
<h1>Sign-in failed</h1><p data-testid="sso-error">${escapeHtml(message)}</p><p><a href="/">Go to Tollgate</a></p></body></html>`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

/** GET /sso: everything is checked before anything is stored; success sets the session cookie and redirects (303). */
export async function ssoHandoff(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const token = url.searchParams.get("token") ?? url.searchParams.get("s");
  if (!ssoConfigured()) return errorPage(404, "SSO handoff is not configured on this server");
  try {
    const returnTo = safeReturnTo(url.searchParams.get("return_to"), url.origin);
    if (!token) return errorPage(401, "The link has no sign-in token (?token=…)");
    const user = await acceptSsoToken(token);
    const cookie = sessionCookie(await mintSessionCookieValue(user, "sso"), url.protocol === "https:");
    return new Response(null, {
      status: 303,
      headers: { location: returnTo, "set-cookie": cookie, "cache-control": "no-store" },
    });
  } catch (err) {
    if (isAppError(err)) return errorPage(err.status, err.message);
    const requestId = randomUUID();
    logger.error({ requestId, err: err instanceof Error ? err.message : String(err) }, "sso handoff failed");
    return errorPage(500, `Internal error (request id ${requestId})`);
  }
}
