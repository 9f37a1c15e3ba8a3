import "server-only";
import { AppError } from "@/lib/errors";
import { verifyCredentials, type PublicUser } from "@/lib/users/accounts";
import { createSessionToken, sessionCookie } from "./session";
import { checkLoginAllowed, recordLoginFailure, recordLoginSuccess } from "./login-throttle";

/**
 * The address a login came from, for throttling: the last X-Forwarded-For entry is the one our
 * reverse proxy appended (a client can put anything before it, not after it).
 */
function clientAddress(req: Request): string {
  return req.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() || req.headers.get("x-real-ip") || "local";
}

/** Verifies credentials with brute-force throttling per account and per address. Throws 401/429. */
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

export async function startSession(req: Request, user: PublicUser, res: Response): Promise<Response> {
  const secure = new URL(req.url).protocol === "https:";
  const token = await createSessionToken({ sub: user.id, email: user.email, role: user.role, name: user.name });
  res.headers.append("set-cookie", sessionCookie(token, secure));
  return res;
}
