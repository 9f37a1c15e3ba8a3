// Issue 8 item 6: no API key, key hash, password, password hash, provider credential or
// Authorization header value appears in any API answer (every GET route, as admin, as a user with
// a session and with a key), error body, log line, request or audit record, metrics or CSV export.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as keyApply from "@/app/api/admin/api-key/apply/route";
import * as keyRecharge from "@/app/api/admin/api-key/recharge/route";
import * as providerCreate from "@/app/api/admin/provider/create/route";
import * as providerUpdate from "@/app/api/admin/provider/update/route";
import * as userCreate from "@/app/api/admin/user/create/route";
import * as userUpdate from "@/app/api/admin/user/update/route";
import * as login from "@/app/api/auth/login/route";
import * as password from "@/app/api/auth/password/route";
import * as register from "@/app/api/auth/register/route";
import * as userKeys from "@/app/api/user/keys/route";
import { flushRecords } from "@/lib/billing/recorder";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { logger, recentLogLines } from "@/lib/logging/logger";
import { createModel } from "@/lib/providers/admin";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { ADMIN_TOKEN, call, startApp } from "../helpers/app";
import { gatewayFetch, sdk, seedProviders, userWithKey } from "../helpers/gateway";
import { loadApiRoutes, pathParams } from "../helpers/routes";

const up = await startFakeUpstream();
const PASSWORD = "correct-horse-battery-staple-42";
const NEW_PASSWORD = "another-horse-battery-staple-43";
const PROVIDER_SECRETS = ["sk-provider-secret-1d9f8e7c", "AKIDPROVIDERSECRET77", "aws-secret-access-key-5b4a3c2d"];

const secrets = new Set<string>([
  PASSWORD,
  NEW_PASSWORD,
  ADMIN_TOKEN,
  `Bearer ${ADMIN_TOKEN}`,
  ...PROVIDER_SECRETS,
  "sk-upstream-secret",
  "vllm-secret",
  "bedrock-secret",
]);
const logLines = new Set<string>();
const scanned: string[] = [];
let savedLevel = "";

function addKey(key: string) {
  secrets.add(key);
  secrets.add(`Bearer ${key}`);
}

/** Everything logged so far (the ring keeps the last 2,000 lines, so it is read after each step). */
function collectLogs() {
  for (const line of recentLogLines(2_000)) logLines.add(line);
}

function expectNoSecret(where: string, text: string) {
  scanned.push(where);
  for (const secret of secrets) expect(text.includes(secret), `${where} contains ${secret.slice(0, 12)}…`).toBe(false);
}

/** The whole answer, or for an endless stream its first event. */
async function bodyText(res: Response): Promise<string> {
  const type = res.headers.get("content-type") ?? "";
  if (!type.includes("text/event-stream")) return res.text();
  const reader = res.body!.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return new TextDecoder().decode(value);
}

let ids: Record<string, string> = {};
let user = { email: "", cookie: "", key: "" };

beforeAll(async () => {
  savedLevel = logger.level;
  logger.level = "trace";
  await startApp();
  const providers = await seedProviders(up);
  await createModel({ publicId: "failing", providerId: providers.openai, upstreamId: "fake-model:fail=500" });

  // A user with a password who signs in and makes keys; an admin-made user and key; providers with credentials.
  const email = "secret-holder@example.test";
  expect((await call(register.POST, { body: { email, password: PASSWORD, name: "Holder" } })).status).toBe(201);
  const signIn = await call(login.POST, { body: { email, password: PASSWORD } });
  expect(signIn.status).toBe(200);
  const cookie = signIn.headers.get("set-cookie")!.split(";")[0];
  const made = await call(userKeys.POST, { cookie, body: { name: "mine" } });
  const key = ((await made.json()) as { key: string }).key;
  addKey(key);
  user = { email, cookie, key };
  await call(password.POST, { cookie, body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } });

  const applied = await call(keyApply.POST, {
    bearer: ADMIN_TOKEN,
    body: { name: "issued", email: "issued@example.test", balance: "5" },
  });
  const issued = (await applied.json()) as { key: string };
  addKey(issued.key);
  await call(keyRecharge.POST, { bearer: ADMIN_TOKEN, body: { api_key: issued.key, amount: "3" } });
  await call(userCreate.POST, { bearer: ADMIN_TOKEN, body: { email: "made@example.test", password: PASSWORD } });

  const created = await call(providerCreate.POST, {
    bearer: ADMIN_TOKEN,
    body: {
      name: "secret-bedrock",
      kind: "BEDROCK",
      baseUrl: up.url,
      awsAccessKeyId: PROVIDER_SECRETS[1],
      awsSecretAccessKey: PROVIDER_SECRETS[2],
      regions: ["us-east-1"],
    },
  });
  const providerId = ((await created.json()) as { provider: { id: string } }).provider.id;
  await call(providerUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: providerId, apiKey: PROVIDER_SECRETS[0] } });
  // Errors that carry the secret in the request: a duplicate provider, a bad password change.
  await call(providerCreate.POST, {
    bearer: ADMIN_TOKEN,
    body: { name: "secret-bedrock", kind: "OPENAI", apiKey: PROVIDER_SECRETS[0] },
  });

  // Gateway traffic with Authorization and x-api-key: streamed, plain, failing upstream, refused.
  const { key: other, user: otherUser } = await userWithKey();
  addKey(other);
  await sdk(key).chat.completions.create({ model: "gpt-fake", messages: [{ role: "user", content: "hello" }] });
  const stream = await sdk(other).chat.completions.create({
    model: "compat-fake",
    messages: [{ role: "user", content: "stream" }],
    stream: true,
  });
  for await (const chunk of stream) void chunk;
  await sdk(other).chat.completions.create({ model: "bedrock-fake", messages: [{ role: "user", content: "bedrock" }] });
  await gatewayFetch("http://tollgate.test/v1/chat/completions", {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({ model: "failing", messages: [{ role: "user", content: "fail" }] }),
  });
  await gatewayFetch("http://tollgate.test/v1/models", { headers: { authorization: `Bearer ${key}x` } });
  await flushRecords();

  const db = await getDb();
  for (const k of await db.apiKey.findMany({ select: { hash: true } })) secrets.add(k.hash);
  for (const u of await db.user.findMany({ select: { passwordHash: true } }))
    if (u.passwordHash) secrets.add(u.passwordHash);
  for (const p of await db.provider.findMany({
    select: { apiKeyEnc: true, awsAccessKeyIdEnc: true, awsSecretKeyEnc: true },
  })) {
    for (const enc of [p.apiKeyEnc, p.awsAccessKeyIdEnc, p.awsSecretKeyEnc]) if (enc) secrets.add(enc);
  }
  secrets.add(config().authSecret);
  const session = await db.chatSession.findFirstOrThrow({ where: { userId: otherUser.id } });
  const request = await db.request.findFirstOrThrow({ where: { userId: otherUser.id } });
  const holder = await db.user.findUniqueOrThrow({ where: { email } });
  const holderKey = await db.apiKey.findFirstOrThrow({ where: { userId: holder.id } });
  ids = { sessionId: session.id, requestId: request.id, userId: holder.id, keyId: holderKey.id, providerId };
  await call(userUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: holder.id, password: NEW_PASSWORD } });
  collectLogs();
});

afterAll(async () => {
  logger.level = savedLevel;
  await up.close();
});

function paramFor(path: string) {
  return (name: string) => {
    if (name === "name") return "llama3.2";
    if (path.includes("/session")) return ids.sessionId;
    if (path.includes("/thread")) return ids.requestId;
    if (path.includes("/user/detail")) return ids.userId;
    return ids.keyId;
  };
}

describe("secrets never leave", () => {
  it("the test really has secrets and traffic to look for", () => {
    expect(secrets.size).toBeGreaterThan(20);
    expect(up.requests.length).toBeGreaterThan(2);
    expect(up.requests.some((r) => JSON.stringify(r.headers).includes("sk-upstream-secret"))).toBe(true);
  });

  it("in any GET answer: every admin list, detail, export, metrics and log, as the admin", {
    timeout: 60_000,
  }, async () => {
    for (const { doc, handler } of await loadApiRoutes((r) => r.method === "GET")) {
      const credentials = doc.auth === "session" ? { cookie: user.cookie } : { bearer: ADMIN_TOKEN };
      const res = await call(handler, {
        ...credentials,
        params: pathParams(doc, paramFor(doc.path)),
        path: `${doc.path}?limit=200`,
      });
      expectNoSecret(`GET ${doc.path} (admin) ${res.status}`, await bodyText(res));
      collectLogs();
    }
    expect(scanned.filter((s) => / 200$/.test(s)).length).toBeGreaterThan(25);
  });

  it("in any GET answer to the user, with a session and with a key", { timeout: 60_000 }, async () => {
    for (const { doc, handler } of await loadApiRoutes((r) => r.method === "GET" && r.auth !== "admin")) {
      for (const credentials of [{ cookie: user.cookie }, { bearer: user.key }]) {
        const res = await call(handler, { ...credentials, params: pathParams(doc, paramFor(doc.path)) });
        expectNoSecret(`GET ${doc.path} (user) ${res.status}`, await bodyText(res));
      }
    }
    collectLogs();
  });

  it("in error answers that had the secret in the request", async () => {
    const attempts: Array<[string, Response]> = [
      ["wrong password", await call(login.POST, { body: { email: user.email, password: PASSWORD } })],
      [
        "bad key",
        await gatewayFetch("http://tollgate.test/v1/models", { headers: { authorization: `Bearer ${user.key}x` } }),
      ],
      [
        "bad password change",
        await call(password.POST, { cookie: user.cookie, body: { currentPassword: PASSWORD, newPassword: PASSWORD } }),
      ],
      [
        "provider with an unknown field",
        await call(providerCreate.POST, {
          bearer: ADMIN_TOKEN,
          body: { name: "x", kind: "OPENAI", apiKey: PROVIDER_SECRETS[0], extra: PROVIDER_SECRETS[0] },
        }),
      ],
      [
        "recharge by an unknown key",
        await call(keyRecharge.POST, { bearer: ADMIN_TOKEN, body: { api_key: `${user.key}zz`, amount: "1" } }),
      ],
    ];
    for (const [what, res] of attempts) {
      expect(res.status, what).toBeGreaterThanOrEqual(400);
      expectNoSecret(`error: ${what}`, await res.text());
    }
    collectLogs();
  });

  it("in any log line", () => {
    collectLogs();
    expect(logLines.size).toBeGreaterThan(8);
    expect([...logLines].some((l) => l.includes("upstream attempt failed"))).toBe(true);
    expectNoSecret("the log", [...logLines].join("\n"));
  });

  it("in any request record, audit row, session or message", async () => {
    const db = await getDb();
    const rows = {
      requests: await db.request.findMany(),
      audit: await db.auditLog.findMany(),
      sessions: await db.chatSession.findMany(),
      messages: await db.message.findMany(),
      transactions: await db.transaction.findMany(),
      settings: await db.setting.findMany(),
    };
    expect(rows.requests.length).toBeGreaterThanOrEqual(4);
    expect(rows.audit.length).toBeGreaterThan(3);
    expectNoSecret(
      "database records",
      JSON.stringify(rows, (_, v) => (typeof v === "bigint" ? v.toString() : v)),
    );
  });
});
