// Issue 8 item 4: no self-escalation. A user cannot give themselves a role, limits, balance or group
// through any route they may call, cannot make an admin key, and neither their session nor their
// key — not even a key marked ADMIN in the database — passes any admin route.
import { beforeAll, describe, expect, it } from "vitest";
import * as password from "@/app/api/auth/password/route";
import * as register from "@/app/api/auth/register/route";
import * as userKeys from "@/app/api/user/keys/route";
import { getDb } from "@/lib/db/client";
import { createApiKey } from "@/lib/keys/service";
import { regularUser } from "../helpers/admin";
import { call, cookieFor, startApp } from "../helpers/app";
import { loadApiRoutes, pathParams } from "../helpers/routes";

const escalation = {
  role: "ADMIN",
  balance: "1000000",
  month_quota: "1000000",
  group_id: "g1",
  groupId: "g1",
  limits: { balance: "1000000" },
  status: "ACTIVE",
};

let user: Awaited<ReturnType<typeof regularUser>>;
let forgedAdminKey = "";

beforeAll(async () => {
  await startApp();
  user = await regularUser("climber");
  const db = await getDb();
  // A key whose own role says ADMIN while its owner is a user: it acts as a user.
  const { key, record } = await createApiKey({ userId: user.user.id, name: "forged" });
  await db.apiKey.update({ where: { id: record.id }, data: { role: "ADMIN" } });
  forgedAdminKey = key;
  await db.group.create({ data: { id: "g1", name: "rich-group" } });
});

async function account(email: string) {
  const db = await getDb();
  const row = await db.user.findUniqueOrThrow({ where: { email }, include: { limit: true, apiKeys: true } });
  return {
    role: row.role,
    groupId: row.groupId,
    balance: row.limit?.balance ?? null,
    quota: row.limit?.monthlyQuota ?? null,
    keyRoles: row.apiKeys.map((k) => k.role),
  };
}

describe("a user on the admin API", () => {
  it("is refused on every admin route with a session, a key, and a key marked ADMIN", { timeout: 60_000 }, async () => {
    const routes = await loadApiRoutes((r) => r.auth === "admin");
    expect(routes.length).toBeGreaterThan(40);
    for (const { doc, handler } of routes) {
      for (const credentials of [{ cookie: user.cookie }, { bearer: user.key }, { bearer: forgedAdminKey }]) {
        const res = await call(handler, {
          ...credentials,
          method: doc.method,
          params: pathParams(doc, "x"),
          ...(doc.method === "GET" ? {} : { body: { id: user.user.id, ...escalation } }),
        });
        expect(res.status, `${doc.method} ${doc.path}`).toBe(403);
      }
    }
  });
});

describe("a user on their own routes", () => {
  it("cannot register with a role, balance, limits or group", async () => {
    const email = "climber-new@example.test";
    const res = await call(register.POST, { body: { email, password: "password-123", ...escalation } });
    expect(res.status).toBeLessThan(500);
    if (res.status < 300) expect(await account(email)).toMatchObject({ role: "USER", groupId: null, keyRoles: [] });
  });

  it("cannot create an admin key or a key with limits or a balance", async () => {
    const before = await account(user.email);
    for (const extra of [
      { role: "ADMIN" },
      { balance: "100" },
      { limits: { balance: "100" } },
      { month_quota: "100" },
      { userId: "someone-else" },
    ]) {
      const res = await call(userKeys.POST, { cookie: user.cookie, body: { name: "escalate", ...extra } });
      expect(res.status, JSON.stringify(extra)).toBe(400);
    }
    // Nor with an API key, not even the forged one.
    expect((await call(userKeys.POST, { bearer: forgedAdminKey, body: { name: "via key" } })).status).toBe(403);
    expect(await account(user.email)).toEqual(before);
  });

  it("cannot change role, balance, limits or group while changing the password", async () => {
    const before = await account(user.email);
    const res = await call(password.POST, {
      cookie: user.cookie,
      body: { currentPassword: "password-123", newPassword: "password-456", ...escalation },
    });
    expect(res.status).toBeLessThan(500);
    expect(await account(user.email)).toEqual(before);
  });

  it("ends up exactly as created", async () => {
    expect(await account(user.email)).toMatchObject({ role: "USER", groupId: null, balance: null, quota: null });
    expect(
      (
        await call((await loadApiRoutes((r) => r.path === "/api/auth/me"))[0].handler, {
          cookie: await cookieFor(user.email),
        })
      ).status,
    ).toBe(200);
  });
});
