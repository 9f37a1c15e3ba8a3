import "server-only";
import type { NextAuthOptions } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { config } from "@/lib/config";
import { logger } from "@/lib/logging/logger";
import { loginSchema } from "@/lib/validations/auth";
import { activeSession, createAuthSession, revokeSession, type SignInMethod } from "./auth-sessions";
import { loginOrThrow } from "./login";
import { acceptOidcProfile, type OidcProfile, oidcProvider } from "./methods/oidc";
import { SESSION_MAX_AGE } from "./session";

// next-auth 4 with JWT sessions: email + password (credentials) and OpenID Connect. The JSON
// login route (/api/auth/login) and GET /sso issue the same cookie; this config serves next-auth's
// own endpoints (session, csrf, signin, callback, signout). Every sign-in creates an AuthSession
// whose id (`sid`) the cookie carries; sign-out revokes it.

type SignedIn = {
  id: string;
  email?: string | null;
  name?: string | null;
  role?: string;
  tollgateMethod?: SignInMethod;
};

export function authOptions(): NextAuthOptions {
  const cfg = config();
  // next-auth builds its callback URLs from NEXTAUTH_URL; APP_URL is Tollgate's name for it.
  if (cfg.APP_URL) process.env.NEXTAUTH_URL ??= cfg.APP_URL;
  const oidc = oidcProvider();
  return {
    secret: cfg.authSecret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE },
    pages: { signIn: "/login", error: "/login" },
    // A refused callback (state, nonce or PKCE mismatch) is an expected event, not a crash: one log line.
    logger: {
      error: (code, metadata) =>
        logger.warn(
          { code, reason: metadata instanceof Error ? metadata.message : (metadata as { message?: string })?.message },
          "next-auth",
        ),
      warn: (code) => logger.debug({ code }, "next-auth"),
      debug: () => undefined,
    },
    providers: [
      ...(cfg.PASSWORD_LOGIN
        ? [
            Credentials({
              name: "Email",
              credentials: {
                email: { label: "Email", type: "email" },
                password: { label: "Password", type: "password" },
              },
              async authorize(credentials, req) {
                const parsed = loginSchema.safeParse(credentials);
                if (!parsed.success) return null;
                // The same throttled check as every other password sign-in (form, token, Basic):
                // guesses posted to next-auth's own callback are counted and slowed down too.
                const headers = new Headers(
                  Object.entries(req?.headers ?? {}).filter((e): e is [string, string] => typeof e[1] === "string"),
                );
                const user = await loginOrThrow(
                  new Request("http://localhost/api/auth/callback/credentials", { headers }),
                  parsed.data.email,
                  parsed.data.password,
                ).catch(() => null);
                return user
                  ? {
                      id: user.id,
                      email: user.email,
                      name: user.name,
                      role: user.role,
                      tollgateMethod: "password" as const,
                    }
                  : null;
              },
            }),
          ]
        : []),
      ...(oidc ? [oidc] : []),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== "oidc") return true;
        try {
          const tollgateUser = await acceptOidcProfile(profile as OidcProfile);
          Object.assign(user as SignedIn, {
            id: tollgateUser.id,
            email: tollgateUser.email,
            name: tollgateUser.name,
            role: tollgateUser.role,
            tollgateMethod: "oidc",
          });
          return true;
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          logger.info({ reason }, "OpenID Connect sign-in refused");
          return `/login?error=${encodeURIComponent(`Sign-in refused: ${reason}`)}`;
        }
      },
      async jwt({ token, user }) {
        if (!user) {
          // next-auth's own /api/auth/session: a cookie whose AuthSession ended (logout, a password
          // change, a disabled user) is no session here either. Throwing makes next-auth answer an
          // empty session and clear the cookie.
          const session = typeof token.sid === "string" ? await activeSession(token.sid) : null;
          if (!session || session.userId !== token.sub) throw new Error("this session has ended");
          return token;
        }
        const u = user as SignedIn;
        const sid = await createAuthSession({
          userId: u.id,
          email: u.email ?? "",
          kind: "COOKIE",
          method: u.tollgateMethod ?? "password",
        });
        return { sub: u.id, sid, email: u.email, name: u.name, role: u.role };
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub, role: token.role } };
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === "string") await revokeSession(token.sid);
      },
    },
  };
}
