import type { KeyRecord } from "../api-keys";

/** How a request proved who it is. `session` means exactly "by the session cookie" (the CSRF check relies on it). */
export type CallerVia = "session" | "api-key" | "admin-token" | "token" | "basic";

export type Caller = {
  /** null only for the ADMIN_API_KEY bootstrap token, which is not a user. */
  userId: string | null;
  email: string;
  role: "USER" | "ADMIN";
  groupId: string | null;
  via: CallerVia;
  /** The API key, for `api-key` and for Basic with `email:<key>`. */
  key?: KeyRecord;
  /** The AuthSession behind a session cookie or a bearer token. */
  sessionId?: string;
  /** false only for a self-registered address not yet confirmed (REQUIRE_EMAIL_VERIFICATION). */
  emailVerified?: boolean;
};

/** What the request carries, read once: `Authorization` (Bearer, Basic, or a bare key) or `x-api-key`. */
export type Credentials = { scheme: "bearer"; value: string } | { scheme: "basic"; value: string };

export function credentialsFrom(headers: Headers): Credentials | null {
  const auth = headers.get("authorization")?.trim();
  if (auth) {
    const m = /^(Bearer|Basic)\s+(.+)$/i.exec(auth);
    if (!m) return { scheme: "bearer", value: auth };
    return { scheme: m[1].toLowerCase() === "basic" ? "basic" : "bearer", value: m[2].trim() };
  }
  const key = headers.get("x-api-key")?.trim();
  return key ? { scheme: "bearer", value: key } : null;
}

/** An access token is a JWT (three base64url parts); anything else in a Bearer header is treated as an API key. */
export function looksLikeJwt(value: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value);
}
