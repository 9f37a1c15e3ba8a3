import "server-only";
import { AppError } from "@/lib/errors";
import { config } from "@/lib/config";
import { verifyCredentials, type PublicUser } from "@/lib/users/accounts";
import { createSessionToken, sessionCookie } from "./session";
import { createAuthSession, type SignInMethod } from "./auth-sessions";
import { checkLoginAllowed, recordLoginFailure, recordLoginSuccess } from "./login-throttle";

/**
 * The address a login came from, for throttling: the last X-Forwarded-For entry is the one our
 * reverse proxy appended (a client can put anything before it, not after it).
 */
export function clientAddress(req: Request): string {
  return req.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() || req.headers.get("x-real-ip") || "local";
}

/**
 * Verifies credentials with brute-force throttling per account and per address. Throws 401/429.
 * Every password check goes through here: the login form, POST /api/auth/token and HTTP Basic.
 */
export async function loginOrThrow(req: Request, email: string, password: string): Promise<PublicUser> {
  const address = clientAddress(req);
  checkLoginAllowed(email, address);
  const user = await verifyCredentials(email, password);
  if (!user) {
    const delayMs = recordLoginFailure(email, address);
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    throw new AppError("unauthorized", "Wrong email or password");
  }
  recordLoginSuccess(email);
  return user;
}

/** PASSWORD_LOGIN=false turns the password form (and self-registration) off; scripts keep tokens and Basic. */
export function requirePasswordLogin(): void {
  if (!config().PASSWORD_LOGIN) throw new AppError("forbidden", "Password sign-in is turned off on this server; use single sign-on");
}

/** A new browser session (an AuthSession row) and its cookie on `res`. */
export async function startSession(req: Request, user: PublicUser, res: Response, method: SignInMethod = "password"): Promise<Response> {
  const secure = new URL(req.url).protocol === "https:";
  res.headers.append("set-cookie", sessionCookie(await mintSessionCookieValue(user, method), secure));
  return res;
}

export async function mintSessionCookieValue(user: Pick<PublicUser, "id" | "email" | "role" | "name">, method: SignInMethod): Promise<string> {
  const sid = await createAuthSession({ userId: user.id, email: user.email, kind: "COOKIE", method });
  return createSessionToken({ sub: user.id, sid, email: user.email, role: user.role, name: user.name });
}
