// Issue 8 items 2 and 5: one key decision on every path — /api/v1 and its /v1 rewrite, both
// endpoints, `Authorization` and `x-api-key`, with spoofed Host / X-Forwarded-* headers — for
// revoked, expired, unknown, malformed and model-restricted keys; and a revocation or a demotion
// applies to the very next request (the key index is invalidated, and the change is published for
// the other instances).

import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as keyRevoke from "@/app/api/admin/api-key/revoke/route";
import * as adminUsers from "@/app/api/admin/user/list/route";
import * as userUpdate from "@/app/api/admin/user/update/route";
import * as userKeyRevoke from "@/app/api/user/keys/[id]/revoke/route";
import { invalidateKeyIndex } from "@/lib/auth/api-keys";
import { getDb } from "@/lib/db/client";
import { subscribe } from "@/lib/events/bus";
import { createApiKey, revokeApiKey } from "@/lib/keys/service";
import { createUser } from "@/lib/users/accounts";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { ADMIN_TOKEN, call, cookieFor, startApp } from "../helpers/app";
import { gatewayFetch, sdk, seedProviders, userWithKey } from "../helpers/gateway";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
afterAll(() => up.close());

const spoofed: Array<Record<string, string>> = [
  {},
  { host: "localhost" },
  {
    host: "127.0.0.1:3000",
    "x-forwarded-host": "admin.internal",
    "x-forwarded-for": "127.0.0.1",
    "x-forwarded-proto": "https",
  },
  {
    "x-real-ip": "10.0.0.1",
    "x-forwarded-for": "::1, 10.0.0.2",
    forwarded: "for=127.0.0.1;host=localhost;proto=https",
  },
];
const prefixes = ["http://tollgate.test/api/v1", "http://tollgate.test/v1"];
const chatBody = JSON.stringify({ model: "gpt-fake", messages: [{ role: "user", content: "x" }] });

/** Every way the same credential can reach the gateway. */
async function everyPath(credential: Record<string, string>) {
  const answers: Array<{ where: string; status: number; text: string }> = [];
  for (const prefix of prefixes) {
    for (const extra of spoofed) {
      for (const [route, init] of [
        ["chat/completions", { method: "POST", body: chatBody }],
        ["models", { method: "GET" }],
      ] as const) {
        const res = await gatewayFetch(`${prefix}/${route}`, {
          ...init,
          headers: { "content-type": "application/json", ...extra, ...credential },
        });
        answers.push({
          where: `${init.method} ${prefix}/${route} ${JSON.stringify(extra)}`,
          status: res.status,
          text: await res.text(),
        });
      }
    }
  }
  return answers;
}

describe("the same key decision everywhere", () => {
  it("rewrites /v1 to /api/v1, so both reach the same handler", async () => {
    const { default: nextConfig } = (await import(path.resolve(import.meta.dirname, "../../next.config.mjs"))) as {
      default: { rewrites(): Promise<unknown[]> };
    };
    expect(await nextConfig.rewrites()).toEqual([{ source: "/v1/:path*", destination: "/api/v1/:path*" }]);
    // The proxy in front of the handlers never looks at credentials: authorization happens in one place.
    expect(readFileSync(path.resolve(import.meta.dirname, "../../proxy.ts"), "utf8")).not.toMatch(
      /headers\.get|x-api-key|cookies/i,
    );
  });

  it("refuses revoked, expired, unknown and malformed keys with 401 in OpenAI's shape, never echoing the key", async () => {
    const { user, key: revoked, keyId } = await userWithKey();
    await revokeApiKey(keyId);
    const db = await getDb();
    const expiring = await createApiKey({
      userId: user.id,
      name: "short-lived",
      expiresAt: new Date(Date.now() + 60_000),
    });
    await db.apiKey.update({ where: { id: expiring.record.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    invalidateKeyIndex();
    const unknown = `tg-${"A".repeat(40)}`;
    for (const [bad, message] of [
      [revoked, /revoked/],
      [expiring.key, /expired/],
      [unknown, /Invalid API key/],
      ["sk-not-ours", /Invalid API key/],
    ] as const) {
      for (const credential of [
        { authorization: `Bearer ${bad}` },
        { "x-api-key": bad },
        { authorization: `bearer ${bad}` },
      ] as Array<Record<string, string>>) {
        for (const answer of await everyPath(credential)) {
          expect(answer.status, answer.where).toBe(401);
          expect(answer.text).not.toContain(bad);
          const json = JSON.parse(answer.text);
          expect(json.error).toMatchObject({ type: "authentication_error", code: "invalid_api_key" });
          expect(json.error.message, answer.where).toMatch(message);
        }
      }
    }
    for (const answer of await everyPath({})) expect(answer.status, answer.where).toBe(401);
  });

  it("refuses a model the key is not allowed to use with 403 on every path, and lists only its models", async () => {
    const { key: limited } = await userWithKey({ allowedModels: ["compat-fake"] });
    for (const credential of [{ authorization: `Bearer ${limited}` }, { "x-api-key": limited }] as Array<
      Record<string, string>
    >) {
      for (const answer of await everyPath(credential)) {
        if (answer.where.includes("chat/completions")) {
          expect(answer.status, answer.where).toBe(403);
          expect(JSON.parse(answer.text).error.type).toBe("permission_error");
        } else {
          expect(answer.status, answer.where).toBe(200);
          expect(JSON.parse(answer.text).data.map((m: { id: string }) => m.id)).toEqual(["compat-fake"]);
        }
      }
    }
  });

  it("accepts a valid key on every path", async () => {
    const { key } = await userWithKey();
    for (const credential of [{ authorization: `Bearer ${key}` }, { "x-api-key": key }] as Array<
      Record<string, string>
    >) {
      for (const answer of await everyPath(credential))
        expect(answer.status, `${answer.where} ${answer.text.slice(0, 200)}`).toBe(200);
    }
  });
});

describe("revocation and demotion take effect on the next request", () => {
  it("a key revoked by its owner or an admin is refused at once, and the change is published to the other instances", async () => {
    const published: unknown[] = [];
    const stop = subscribe("keys", (payload) => published.push(payload));
    try {
      const { user, key, keyId } = await userWithKey();
      const client = sdk(key);
      expect((await client.models.list()).data.length).toBeGreaterThan(0); // now in the key index
      const revoked = await call(userKeyRevoke.POST, { cookie: await cookieFor(user.email), params: { id: keyId } });
      expect(revoked.status).toBe(200);
      await expect(client.models.list()).rejects.toMatchObject({ status: 401 });

      const second = await userWithKey();
      expect((await sdk(second.key).models.list()).data.length).toBeGreaterThan(0);
      expect((await call(keyRevoke.POST, { bearer: ADMIN_TOKEN, body: { id: second.keyId } })).status).toBe(200);
      await expect(sdk(second.key).models.list()).rejects.toMatchObject({ status: 401 });
      expect(published.length).toBeGreaterThanOrEqual(2);
    } finally {
      stop();
    }
  });

  it("a demoted admin loses admin access at once, with a session and with an admin key", async () => {
    const admin = await createUser({ email: "soon-demoted@example.test", password: "password-123", role: "ADMIN" });
    const cookie = await cookieFor(admin.email);
    const { key } = await createApiKey({ userId: admin.id, name: "admin key", role: "ADMIN" });
    expect((await call(adminUsers.GET, { cookie })).status).toBe(200);
    expect((await call(adminUsers.GET, { bearer: key })).status).toBe(200);

    const demoted = await call(userUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: admin.id, role: "USER" } });
    expect(demoted.status).toBe(200);
    expect((await call(adminUsers.GET, { cookie })).status).toBe(403);
    expect((await call(adminUsers.GET, { bearer: key })).status).toBe(403);

    const disabled = await call(userUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: admin.id, status: "DISABLED" } });
    expect(disabled.status).toBe(200);
    expect((await call(adminUsers.GET, { cookie })).status).toBe(401);
    expect((await call(adminUsers.GET, { bearer: key })).status).toBe(401);
  });
});
