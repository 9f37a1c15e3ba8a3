import "server-only";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { config } from "@/lib/config";
import { displayNameSchema, emailSchema } from "@/lib/validations/auth";
import { upsertExternalUser } from "../external-users";

// OpenID Connect with any provider (Keycloak, Authentik, Entra ID, Google) through next-auth. The
// provider is found from OIDC_ISSUER's discovery document; state, nonce and PKCE are checked.
// Accounts link by verified email only; OIDC_GROUP_CLAIM names a Tollgate group and
// OIDC_ADMIN_GROUPS lists claim values that make an administrator.

export type OidcProfile = Record<string, unknown> & {
  sub: string;
  email?: string;
  email_verified?: boolean | string;
  name?: string;
  preferred_username?: string;
};

export function oidcConfigured(): boolean {
  return !!config().OIDC_ISSUER;
}

export function oidcProvider(): OAuthConfig<OidcProfile> | null {
  const cfg = config();
  if (!cfg.OIDC_ISSUER) return null;
  const issuer = cfg.OIDC_ISSUER.replace(/\/+$/, "");
  return {
    id: "oidc",
    name: cfg.OIDC_NAME,
    type: "oauth",
    issuer,
    wellKnown: `${issuer}/.well-known/openid-configuration`,
    clientId: cfg.OIDC_CLIENT_ID,
    clientSecret: cfg.OIDC_CLIENT_SECRET,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    profile: (p) => ({ id: p.sub, email: p.email ?? null, name: p.name ?? p.preferred_username ?? null }),
  };
}

function claimValues(profile: OidcProfile, claim: string): string[] {
  const v = profile[claim];
  if (typeof v === "string") return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** Maps a verified OIDC profile to a Tollgate user (created when OIDC_ALLOW_SIGNUP). Throws with the reason it is refused. */
export async function acceptOidcProfile(profile: OidcProfile) {
  const cfg = config();
  const email = emailSchema.safeParse(profile.email);
  if (!email.success) throw new Error("the provider sent no valid email address");
  // Linking by an address the provider has not verified would hand over whoever's account has it.
  if (profile.email_verified !== true && profile.email_verified !== "true")
    throw new Error("the provider has not verified this email address");
  const name = displayNameSchema.safeParse(profile.name ?? profile.preferred_username ?? "");
  const groups = cfg.OIDC_GROUP_CLAIM ? claimValues(profile, cfg.OIDC_GROUP_CLAIM) : [];
  const group = groups.map((g) => displayNameSchema.safeParse(g)).find((g) => g.success && g.data)?.data;
  const adminValues = (cfg.OIDC_ADMIN_GROUPS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const memberOf = new Set([...groups, ...claimValues(profile, "groups"), ...claimValues(profile, "roles")]);
  const role = adminValues.length ? (adminValues.some((g) => memberOf.has(g)) ? "ADMIN" : "USER") : undefined;
  return upsertExternalUser(
    {
      externalId: `oidc:${profile.sub}`,
      email: email.data,
      name: name.success && name.data ? name.data : undefined,
      group,
      role,
    },
    { allowCreate: cfg.OIDC_ALLOW_SIGNUP },
  );
}
