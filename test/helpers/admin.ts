// Shared fixtures for the admin API tests: ordinary users (cookie and key) and the checks every
// admin endpoint must pass — 401 without credentials, 403 for a user's session and a user's key.
import { expect } from "vitest";
import { createApiKey } from "@/lib/keys/service";
import { createUser } from "@/lib/users/accounts";
import { type CallOptions, call, cookieFor } from "./app";

type RouteHandler<P> = (req: Request, ctx: { params: Promise<P> }) => Promise<Response>;

let seq = 0;

/** A fresh ordinary user with a password, a session cookie and an API key. */
export async function regularUser(name = "user") {
  const email = `${name}-${++seq}-${Date.now()}@example.test`;
  const user = await createUser({ email, password: "password-123", name });
  const { key, record } = await createApiKey({ userId: user.id, name: `${name} key` });
  return { user, email, cookie: await cookieFor(email), key, keyId: record.id };
}

let shared: Awaited<ReturnType<typeof regularUser>> | undefined;

/** No credentials → 401; an ordinary user's session or key → 403. */
export async function expectAdminOnly<P>(handler: RouteHandler<P>, opts: CallOptions<P> = {}): Promise<void> {
  shared ??= await regularUser("not-admin");
  const anonymous = await call(handler, opts);
  expect(anonymous.status).toBe(401);
  expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  const asUser = await call(handler, { ...opts, cookie: shared.cookie });
  expect(asUser.status).toBe(403);
  expect(((await asUser.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  const asUserKey = await call(handler, { ...opts, bearer: shared.key });
  expect(asUserKey.status).toBe(403);
}

/** A 400 naming the field. */
export async function expectValidationError(res: Response, field: string): Promise<void> {
  const body = (await res.json()) as { error: { code: string; field?: string; message: string } };
  expect(res.status, JSON.stringify(body)).toBe(400);
  expect(body.error.code).toBe("validation_error");
  expect(body.error.field).toBe(field);
}
