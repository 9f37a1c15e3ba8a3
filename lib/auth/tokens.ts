import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import type { PublicUser } from "@/lib/users/accounts";
import { activeSession, advanceRefreshGeneration, createAuthSession, revokeSession } from "./auth-sessions";

// Bearer tokens for scripts. A sign-in creates a token family (one AuthSession of kind TOKEN): a
// short access token (a JWT naming the family, checked against it on every request, so a password
// change or "sign out everywhere" stops it at once) and a refresh token. A refresh token is
// `tgr_<family>.<generation>.<mac>`: each use moves the family to the next generation, so an
// older one presented again is a stolen copy, and the whole family is revoked.

export const ACCESS_TOKEN_SECONDS = 15 * 60;
const ISSUER = "tollgate";
const AUDIENCE = "tollgate:access";

export type TokenResponse = { access_token: string; token_type: "bearer"; expires_in: number; refresh_token: string };

function derivedKey(purpose: string): Buffer {
  const cfg = config();
  return createHmac("sha256", cfg.JWT_SECRET ?? cfg.authSecret)
    .update(`tollgate ${purpose}`)
    .digest();
}

function refreshMac(sessionId: string, generation: number): string {
  return createHmac("sha256", derivedKey("refresh token")).update(`${sessionId}.${generation}`).digest("base64url");
}

async function tokensFor(userId: string, sessionId: string, generation: number): Promise<TokenResponse> {
  const access = await new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_SECONDS}s`)
    .sign(derivedKey("access token"));
  return {
    access_token: access,
    token_type: "bearer",
    expires_in: ACCESS_TOKEN_SECONDS,
    refresh_token: `tgr_${sessionId}.${generation}.${refreshMac(sessionId, generation)}`,
  };
}

/** A new token family for a user whose password was just verified. */
export async function issueTokens(user: PublicUser): Promise<TokenResponse> {
  const sessionId = await createAuthSession({ userId: user.id, email: user.email, kind: "TOKEN", method: "token" });
  return tokensFor(user.id, sessionId, 0);
}

const invalidRefresh = () => new AppError("unauthorized", "Invalid or expired refresh token; sign in again");

/** Rotates a refresh token. Reusing one that was already rotated revokes the whole family. */
export async function refreshTokens(refreshToken: string): Promise<TokenResponse> {
  const m = /^tgr_([a-z0-9]{1,40})\.(\d{1,9})\.([\w-]{43})$/.exec(refreshToken);
  if (!m) throw invalidRefresh();
  const [, sessionId, gen, mac] = m;
  const generation = Number(gen);
  const expected = Buffer.from(refreshMac(sessionId, generation));
  if (!timingSafeEqual(expected, Buffer.from(mac))) throw invalidRefresh();
  const session = await activeSession(sessionId);
  if (!session) throw invalidRefresh();
  if (generation !== session.refreshGeneration || !(await advanceRefreshGeneration(sessionId, generation))) {
    await revokeSession(sessionId);
    throw new AppError("unauthorized", "This refresh token was already used; every token of this sign-in is revoked");
  }
  return tokensFor(session.userId, sessionId, generation + 1);
}

/** The family and user of a valid access token, or null when it is not one of ours. Throws 401 when it is ours but no longer valid. */
export async function verifyAccessToken(token: string): Promise<{ userId: string; sessionId: string } | null> {
  try {
    const { payload } = await jwtVerify(token, derivedKey("access token"), {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string") return null;
    return { userId: payload.sub, sessionId: payload.sid };
  } catch {
    return null;
  }
}
