import "server-only";
import { decode, encode } from "next-auth/jwt";
import { config } from "@/lib/config";

// next-auth 4 JWT sessions. Our JSON login route mints the same cookie next-auth reads, so
// `useSession`, `getToken` and sign-out all work on it.
export const SESSION_MAX_AGE = 30 * 24 * 60 * 60;
const COOKIE = "next-auth.session-token";
const SECURE_COOKIE = `__Secure-${COOKIE}`;

/** `sid` names the AuthSession row: a cookie without one (or whose row has ended) is no session. */
export type SessionClaims = { sub: string; sid: string; email: string; role: "USER" | "ADMIN"; name?: string };

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_COOKIE : COOKIE;
}

export async function createSessionToken(claims: SessionClaims): Promise<string> {
  return encode({ token: { ...claims }, secret: config().authSecret, maxAge: SESSION_MAX_AGE });
}

/** The claims of a well-formed, unexpired session cookie; anything else (malformed, forged, old) is null. */
export async function readSessionToken(cookieHeader: string | null): Promise<SessionClaims | null> {
  if (!cookieHeader) return null;
  const token = readCookie(cookieHeader, SECURE_COOKIE) ?? readCookie(cookieHeader, COOKIE);
  if (!token) return null;
  try {
    const claims = await decode({ token, secret: config().authSecret });
    if (!claims?.sub || typeof claims.email !== "string" || typeof claims.sid !== "string") return null;
    return claims as unknown as SessionClaims;
  } catch {
    return null;
  }
}

export function readCookie(header: string, name: string): string | undefined {
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      // A malformed escape (`%E0%A4%A`) is a cookie we did not set: no session, not a 500.
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function sessionCookie(token: string, secure: boolean): string {
  return `${sessionCookieName(secure)}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_MAX_AGE}${secure ? "; Secure" : ""}`;
}

export function clearedSessionCookies(): string[] {
  return [
    `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`,
    `${SECURE_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure`,
  ];
}
