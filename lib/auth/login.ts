import "server-only";
import { AppError } from "@/lib/errors";
import { verifyCredentials, type PublicUser } from "@/lib/users/accounts";
import { createSessionToken, sessionCookie } from "./session";
import { clientIp } from "@/lib/net/client-ip";
import { assertLoginAllowed, recordLoginFailure, recordLoginSuccess } from "./login-throttle";

/** Verifies credentials with brute-force throttling per address and per account-and-address. Throws 401/429. */
export async function loginOrThrow(req: Request, email: string, password: string): Promise<PublicUser> {
  const attempt = { email, ip: clientIp(req) };
  await assertLoginAllowed(attempt);
  const user = await verifyCredentials(email, password);
  if (!user) {
    await recordLoginFailure(attempt);
    throw new AppError("unauthorized", "Wrong email or password");
  }
  await recordLoginSuccess(attempt);
  return user;
}

export async function startSession(req: Request, user: PublicUser, res: Response): Promise<Response> {
  const secure = new URL(req.url).protocol === "https:";
  const token = await createSessionToken({ sub: user.id, email: user.email, role: user.role, name: user.name });
  res.headers.append("set-cookie", sessionCookie(token, secure));
  return res;
}
