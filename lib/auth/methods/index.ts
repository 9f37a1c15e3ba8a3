import "server-only";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { callerFromApiKey } from "./api-key";
import { callerFromAccessToken } from "./bearer-token";
import { BASIC_CHALLENGE, callerFromBasic } from "./http-basic";
import { callerFromSessionCookie } from "./session-cookie";
import { type Caller, credentialsFrom, looksLikeJwt } from "./types";

// Every way in ends in the same Caller. The order is fixed: credentials in a header win over the
// cookie (a script's token is never mistaken for the browser's session), and within a Bearer
// header an API key (`tg-…`, or ADMIN_API_KEY) is tried first — the gateway's hot path — and
// only a JWT is read as an access token. SSO handoff and OpenID Connect are sign-ins that end
// in a session cookie (see ./sso.ts and ./oidc.ts), so requests after them take the cookie path.

/** Who is calling, or null when the request carries no credentials at all. Throws 401 on bad ones. */
export async function resolveCaller(req: Request): Promise<Caller | null> {
  const creds = credentialsFrom(req.headers);
  if (creds?.scheme === "basic") return callerFromBasic(req, creds.value);
  if (creds) {
    const v = creds.value;
    if (v.startsWith("tg-") || v === config().ADMIN_API_KEY || !looksLikeJwt(v)) return callerFromApiKey(v);
    return callerFromAccessToken(v);
  }
  const cookie = req.headers.get("cookie");
  return cookie ? callerFromSessionCookie(cookie) : null;
}

/** resolveCaller, with 401 when there are no credentials (a script is invited to use Basic). */
export async function resolveCallerOrThrow(req: Request): Promise<Caller> {
  const caller = await resolveCaller(req);
  if (caller) return caller;
  // Browsers would pop a password dialog on the challenge: only non-browser clients get it.
  const browser = req.headers.has("cookie") || req.headers.has("sec-fetch-mode");
  throw new AppError(
    "unauthorized",
    req.headers.has("cookie") ? "Your session is no longer valid; sign in again" : "Sign in first",
    browser ? {} : { headers: BASIC_CHALLENGE },
  );
}
