import "server-only";
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  importSPKI,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { displayNameSchema, emailSchema, hasControlCharacter } from "@/lib/validations/auth";
import { upsertExternalUser } from "../external-users";

// SSO handoff from a host application (GET /sso?token=<jwt>&return_to=<path>): the host signs a
// short-lived JWT for its signed-in user, with a shared secret (HS256) or its own key (RS256/ES256,
// as a PEM or a JWKS URL). Tollgate checks it, takes each token once, creates or updates the user,
// and starts an ordinary browser session.

const MAX_LIFETIME_S = 10 * 60;
const CLOCK_SKEW_S = 30;

export type SsoIdentity = {
  externalId: string;
  email: string;
  name?: string;
  group?: string;
  expiresAt: Date;
  jti: string;
};

const refuse = (message: string) => new AppError("unauthorized", message);

/** `return_to` as a same-origin path, or an error: never `https://evil.example`, `//evil.example` or `/\evil.example`. */
export function safeReturnTo(value: string | null, origin: string): string {
  if (!value) return "/";
  const bad = refuse("return_to must be a path on this server");
  if (!value.startsWith("/") || value.startsWith("//") || value.includes("\\") || hasControlCharacter(value)) throw bad;
  const url = new URL(value, origin);
  if (url.origin !== origin) throw bad;
  return `${url.pathname}${url.search}${url.hash}`;
}

const globalForSso = globalThis as unknown as { tollgateSsoJwks?: { url: string; keys: JWTVerifyGetKey } };

async function keyFor(alg: string): Promise<Parameters<typeof jwtVerify>[1]> {
  const cfg = config();
  if (alg === "HS256") {
    if (!cfg.SSO_SHARED_SECRET) throw refuse("HS256 tokens are not accepted: SSO_SHARED_SECRET is not set");
    return new TextEncoder().encode(cfg.SSO_SHARED_SECRET);
  }
  if (alg !== "RS256" && alg !== "ES256")
    throw refuse(`Tokens signed with '${alg}' are not accepted (HS256, RS256 or ES256)`);
  if (cfg.SSO_PUBLIC_KEY) return importSPKI(cfg.SSO_PUBLIC_KEY.replaceAll("\\n", "\n"), alg);
  if (cfg.SSO_JWKS_URL) {
    if (globalForSso.tollgateSsoJwks?.url !== cfg.SSO_JWKS_URL) {
      globalForSso.tollgateSsoJwks = { url: cfg.SSO_JWKS_URL, keys: createRemoteJWKSet(new URL(cfg.SSO_JWKS_URL)) };
    }
    return globalForSso.tollgateSsoJwks.keys as unknown as Parameters<typeof jwtVerify>[1];
  }
  throw refuse(`${alg} tokens are not accepted: neither SSO_PUBLIC_KEY nor SSO_JWKS_URL is set`);
}

export function ssoConfigured(): boolean {
  const cfg = config();
  return !!(cfg.SSO_SHARED_SECRET || cfg.SSO_PUBLIC_KEY || cfg.SSO_JWKS_URL);
}

function textClaim(payload: JWTPayload, name: string): string | undefined {
  const v = payload[name];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw refuse(`The token's '${name}' claim must be a string`);
  const parsed = displayNameSchema.safeParse(v);
  if (!parsed.success) throw refuse(`The token's '${name}' claim ${parsed.error.issues[0].message}`);
  return parsed.data || undefined;
}

/** Verifies a handoff token. Throws 401 naming the problem; nothing is stored. */
export async function verifySsoToken(token: string): Promise<SsoIdentity> {
  if (!ssoConfigured()) throw new AppError("not_found", "SSO handoff is not configured on this server");
  let alg: string;
  try {
    alg = decodeProtectedHeader(token).alg ?? "";
  } catch {
    throw refuse("The sign-in token is not a JWT");
  }
  if (!alg || alg.toLowerCase() === "none") throw refuse("Unsigned tokens (alg: none) are not accepted");
  const cfg = config();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, await keyFor(alg), {
      algorithms: [alg],
      issuer: cfg.SSO_ISSUER,
      audience: cfg.SSO_AUDIENCE,
      requiredClaims: ["exp", "iat", "sub", "jti"],
      clockTolerance: CLOCK_SKEW_S,
      maxTokenAge: MAX_LIFETIME_S + CLOCK_SKEW_S,
    }));
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code;
    const why: Record<string, string> = {
      ERR_JWT_EXPIRED: "The sign-in token has expired; sign in again from the host application",
      ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "The sign-in token's signature does not match the configured key",
      ERR_JWT_CLAIM_VALIDATION_FAILED: `The sign-in token was refused: ${(err as Error).message}`,
    };
    throw refuse(why[code ?? ""] ?? "The sign-in token is malformed or not signed with an accepted key");
  }
  const now = Math.floor(Date.now() / 1000);
  if (payload.exp! > now + MAX_LIFETIME_S + CLOCK_SKEW_S)
    throw refuse("The sign-in token lives too long: exp may be at most 10 minutes ahead");
  if (payload.iat! > now + CLOCK_SKEW_S) throw refuse("The sign-in token was issued in the future (iat)");
  const email = emailSchema.safeParse(payload.email);
  if (typeof payload.email !== "string" || !email.success || /[\r\n]/.test(payload.email))
    throw refuse("The sign-in token needs a valid 'email' claim");
  if (typeof payload.sub !== "string" || !payload.sub || payload.sub.length > 200)
    throw refuse("The sign-in token needs a 'sub' claim");
  if (typeof payload.jti !== "string" || !payload.jti || payload.jti.length > 200)
    throw refuse("The sign-in token needs a 'jti' claim");
  return {
    externalId: `sso:${payload.sub}`,
    email: email.data,
    name: textClaim(payload, "name"),
    group: textClaim(payload, "group") ?? textClaim(payload, "company"),
    expiresAt: new Date(payload.exp! * 1000),
    jti: payload.jti,
  };
}

/** Takes the token's jti for good; a second use — on any instance, the row is in the database — is a replay. */
async function claimJtiOrThrow(jti: string, expiresAt: Date): Promise<void> {
  const db = await getDb();
  if (Math.random() < 0.05)
    await db.ssoTokenUse.deleteMany({ where: { expiresAt: { lt: new Date(Date.now() - CLOCK_SKEW_S * 1000) } } });
  try {
    await db.ssoTokenUse.create({ data: { jti, expiresAt } });
  } catch (err) {
    if (isUniqueViolation(err))
      throw refuse("This sign-in token was already used; sign in again from the host application");
    throw err;
  }
}

/** The whole handoff: verify, take the jti, create or update the user. Answers the user to sign in. */
export async function acceptSsoToken(token: string) {
  const identity = await verifySsoToken(token);
  await claimJtiOrThrow(identity.jti, identity.expiresAt);
  return upsertExternalUser(identity, { allowCreate: true });
}
