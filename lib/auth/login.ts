import "server-only";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { clientIp } from "@/lib/net/client-ip";
import { type PublicUser, verifyCredentials } from "@/lib/users/accounts";
import { createAuthSession, type SignInMethod } from "./auth-sessions";
import { assertLoginAllowed, inTurnForAddress, recordLoginFailure, recordLoginSuccess } from "./login-throttle";
import { createSessionToken, sessionCookie } from "./session";

/**
 * Verifies credentials with brute-force throttling per address and per account-and-address.
 * Throws 401/429. Every password check goes through here: the login form, POST /api/auth/token
 * and HTTP Basic.
 */
export async function loginOrThrow(req: Request, email: string, password: string): Promise<PublicUser> {
  const attempt = { email, ip: clientIp(req) };
  // Decide on counters that earlier attempts from this address have already updated.
  return inTurnForAddress(attempt.ip, async () => {
    await assertLoginAllowed(attempt);
    const user = await verifyCredentials(email, password);
    if (!user) {
      await recordLoginFailure(attempt);
      throw new AppError("unauthorized", "Wrong email or password");
    }
    await recordLoginSuccess(attempt);
    return user;
  });
}

/** PASSWORD_LOGIN=false turns the password form (and self-registration) off; scripts keep tokens and Basic. */
export function requirePasswordLogin(): void {
  if (!config().PASSWORD_LOGIN)
    throw new AppError("forbidden", "Password sign-in is turned off on this server; use single sign-on");
}

/** A new browser session (an AuthSession row) and its cookie on `res`. */
export async function startSession(
  req: Request,
  user: PublicUser,
  res: Response,
  method: SignInMethod = "password",
): Promise<Response> {
  const secure = new URL(req.url).protocol === "https:";
  res.headers.append("set-cookie", sessionCookie(await mintSessionCookieValue(user, method), secure));
  return res;
}

export async function mintSessionCookieValue(
  user: Pick<PublicUser, "id" | "email" | "role" | "name">,
  method: SignInMethod,
): Promise<string> {
  const sid = await createAuthSession({ userId: user.id, email: user.email, kind: "COOKIE", method });
  return createSessionToken({ sub: user.id, sid, email: user.email, role: user.role, name: user.name });
}
