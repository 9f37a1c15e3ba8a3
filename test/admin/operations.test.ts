import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as audit from "@/app/api/admin/audit/route";
import * as region from "@/app/api/admin/config/region/route";
import * as configRoute from "@/app/api/admin/config/route";
import * as flags from "@/app/api/admin/flags/route";
import * as groupCreate from "@/app/api/admin/group/create/route";
import * as logs from "@/app/api/admin/logs/route";
import * as metrics from "@/app/api/admin/metrics/stream/route";
import * as status from "@/app/api/admin/status/route";
import * as userUpdate from "@/app/api/admin/user/update/route";
import * as register from "@/app/api/auth/register/route";
import { resetConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { logger } from "@/lib/logging/logger";
import { createProvider } from "@/lib/providers/admin";
import { getSetting } from "@/lib/settings";
import pkg from "@/package.json";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { expectAdminOnly, expectValidationError, regularUser } from "../helpers/admin";
import { ADMIN_TOKEN, call, json, startApp } from "../helpers/app";

// Settings, logs, status, live metrics, flagged messages and the audit log.

// The fake Ollama reports a model loaded (GET /api/ps) once it has answered a chat with it.
const ollama = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await createProvider({ name: "ps-ollama", kind: "OLLAMA", baseUrl: ollama.url });
  await fetch(`${ollama.url}/api/chat`, {
    method: "POST",
    body: JSON.stringify({ model: "llama3.2:latest", stream: false, messages: [{ role: "user", content: "hi" }] }),
  });
  const u = await regularUser("active");
  const db = await getDb();
  await db.request.create({ data: { id: "metrics-req", userId: u.user.id, model: "m", status: "OK" } });
});
afterAll(() => ollama.close());

describe("GET /api/admin/logs", () => {
  it("returns the last lines this process logged, with secrets redacted", async () => {
    const level = logger.level;
    logger.level = "info";
    logger.info({ user: { apiKey: "tg-do-not-show" } }, "first line");
    logger.info("line from the logs test");
    logger.level = level;
    const body = await json<{ source: string; lines: string[] }>(
      await call(logs.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/logs?lines=2" }),
    );
    expect(body.source).toBe("memory");
    expect(body.lines).toHaveLength(2);
    expect(JSON.parse(body.lines[1])).toMatchObject({ msg: "line from the logs test", service: "tollgate" });
    expect(body.lines[0]).toContain("[redacted]");
    expect(body.lines[0]).not.toContain("tg-do-not-show");
  });

  it("reads the tail of LOG_PATH when it is set", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "tollgate-log-")), "app.log");
    writeFileSync(file, Array.from({ length: 50 }, (_, i) => JSON.stringify({ msg: `line ${i}` })).join("\n") + "\n");
    process.env.LOG_PATH = file;
    resetConfig();
    try {
      const body = await json<{ source: string; lines: string[] }>(
        await call(logs.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/logs?lines=3" }),
      );
      expect(body).toEqual({ source: "file", lines: ['{"msg":"line 47"}', '{"msg":"line 48"}', '{"msg":"line 49"}'] });
    } finally {
      delete process.env.LOG_PATH;
      resetConfig();
    }
  });

  it("answers 400 for a bad line count and is for administrators only", async () => {
    await expectValidationError(
      await call(logs.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/logs?lines=0" }),
      "lines",
    );
    await expectValidationError(
      await call(logs.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/logs?lines=5000" }),
      "lines",
    );
    await expectAdminOnly(logs.GET, { path: "/api/admin/logs" });
  });
});

describe("GET /api/admin/status", () => {
  it("reports version, uptime, database, Redis, sessions and today's requests", async () => {
    const body = await json<Record<string, unknown>>(await call(status.GET, { bearer: ADMIN_TOKEN }));
    const db = await getDb();
    expect(body).toMatchObject({
      version: pkg.version,
      database: "ok",
      sessions: await db.chatSession.count(),
      requestsToday: 1,
    });
    expect(body.uptimeSeconds).toEqual(expect.any(Number));
    expect(body.redis).toBe(process.env.REDIS_URL ? "ok" : "disabled");
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(status.GET);
  });
});

type Metrics = Record<string, unknown> & { at: string };

async function nextMessage(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  buffer: { text: string },
): Promise<Metrics> {
  const decoder = new TextDecoder();
  for (;;) {
    const end = buffer.text.indexOf("\n\n");
    if (end >= 0) {
      const event = buffer.text.slice(0, end);
      buffer.text = buffer.text.slice(end + 2);
      return JSON.parse(event.replace(/^data: /, "")) as Metrics;
    }
    const { value, done } = await reader.read();
    if (done) throw new Error("stream ended");
    buffer.text += decoder.decode(value, { stream: true });
  }
}

describe("GET /api/admin/metrics/stream", () => {
  it("sends a message at once with every field, and stops when the client leaves", async () => {
    const ac = new AbortController();
    const res = await call(metrics.GET, { bearer: ADMIN_TOKEN, signal: ac.signal });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const first = await nextMessage(reader, { text: "" });
    expect(first).toMatchObject({
      type: "metrics",
      requestsToday: 1,
      requestsTotal: 1,
      activeUsers: 1,
      loadedModels: ["llama3.2:latest"],
    });
    for (const field of ["cpu", "processCpu", "memory", "network", "disk"]) {
      expect(first[field], field).toEqual(expect.any(Number));
      expect(first[field] as number).toBeGreaterThanOrEqual(0);
      expect(first[field] as number).toBeLessThanOrEqual(field === "network" ? Infinity : 100);
    }
    ac.abort();
    expect((await reader.read()).done).toBe(true);
  });

  it("repeats every 5 s with every field, until aborted", async () => {
    const ac = new AbortController();
    const res = await call(metrics.GET, { bearer: ADMIN_TOKEN, signal: ac.signal });
    const reader = res.body!.getReader();
    const buffer = { text: "" };
    const messages = [
      await nextMessage(reader, buffer),
      await nextMessage(reader, buffer),
      await nextMessage(reader, buffer),
    ];
    const gaps = messages.slice(1).map((m, i) => Date.parse(m.at) - Date.parse(messages[i].at));
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(4_900);
      expect(gap).toBeLessThan(7_000); // a sample slowed by a busy machine delays the next message
    }
    for (const m of messages) {
      for (const field of [
        "cpu",
        "processCpu",
        "memory",
        "network",
        "disk",
        "requestsToday",
        "requestsTotal",
        "activeUsers",
      ])
        expect(m[field], field).toEqual(expect.any(Number));
      expect(m.loadedModels).toEqual(["llama3.2:latest"]);
    }
    ac.abort();
    // A message already sent may still be in the stream's buffer; then it ends.
    let ended = false;
    for (let i = 0; i < 3 && !ended; i++) ended = (await reader.read()).done;
    expect(ended).toBe(true);
  }, 20_000);

  it("is for administrators only", async () => {
    await expectAdminOnly(metrics.GET);
  });
});

type AdminConfig = {
  registrationOpen: boolean;
  globalDailyLimit: number | null;
  rateLimitFailOpen: boolean;
  defaultUserLimits: Record<string, unknown>;
};

describe("GET|POST /api/admin/config", () => {
  it("reads the settings and applies a partial change with an audit row", async () => {
    const before = await json<AdminConfig>(await call(configRoute.GET, { bearer: ADMIN_TOKEN }));
    expect(before).toMatchObject({
      registrationOpen: true,
      globalDailyLimit: null,
      rateLimitFailOpen: false,
      defaultUserLimits: { balance: null },
    });

    const res = await call(configRoute.POST, {
      bearer: ADMIN_TOKEN,
      body: { globalDailyLimit: 500, defaultUserLimits: { balance: "2.5", rpm: 30 } },
    });
    expect(res.status).toBe(200);
    const after = await json<AdminConfig>(res);
    expect(after).toMatchObject({
      registrationOpen: true,
      globalDailyLimit: 500,
      defaultUserLimits: { balance: "2.500000", rpm: 30, monthlyQuota: null },
    });
    expect(await getSetting("defaultUserLimits")).toMatchObject({ balance: "2500000", rpm: 30 });

    // Only the given field changes; the defaults apply to the next account.
    await call(configRoute.POST, { bearer: ADMIN_TOKEN, body: { defaultUserLimits: { monthlyQuota: 10 } } });
    expect(await getSetting("defaultUserLimits")).toMatchObject({
      balance: "2500000",
      monthlyQuota: "10000000",
      rpm: 30,
    });
    await call(register.POST, { body: { email: "newcomer@example.test", password: "password-123" } });
    const db = await getDb();
    const limit = await db.limit.findFirstOrThrow({ where: { user: { email: "newcomer@example.test" } } });
    expect(limit).toMatchObject({ balance: 2_500_000n, monthlyQuota: 10_000_000n, rpm: 30 });

    const audit = await db.auditLog.findFirstOrThrow({
      where: { action: "config.update", targetId: "globalDailyLimit,defaultUserLimits" },
    });
    expect(audit.before).toMatchObject({ globalDailyLimit: null });
    expect(audit.after).toMatchObject({ globalDailyLimit: 500 });
  });

  it("closes registration", async () => {
    await call(configRoute.POST, { bearer: ADMIN_TOKEN, body: { registrationOpen: false } });
    const res = await call(register.POST, { body: { email: "late@example.test", password: "password-123" } });
    expect(res.status).toBe(403);
    await call(configRoute.POST, { bearer: ADMIN_TOKEN, body: { registrationOpen: true } });
  });

  it("answers 400 naming the field", async () => {
    await expectValidationError(
      await call(configRoute.POST, { bearer: ADMIN_TOKEN, body: { globalDailyLimit: -1 } }),
      "globalDailyLimit",
    );
    await expectValidationError(
      await call(configRoute.POST, { bearer: ADMIN_TOKEN, body: { defaultUserLimits: { balance: "abc" } } }),
      "defaultUserLimits.balance",
    );
    await expectValidationError(
      await call(configRoute.POST, { bearer: ADMIN_TOKEN, body: { registrationOpen: "yes" } }),
      "registrationOpen",
    );
    await expectValidationError(await call(configRoute.POST, { bearer: ADMIN_TOKEN, body: { port: 8000 } }), "body");
    await expectValidationError(await call(configRoute.POST, { bearer: ADMIN_TOKEN, body: {} }), "body");
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(configRoute.GET);
    await expectAdminOnly(configRoute.POST, { body: { registrationOpen: false } });
  });
});

describe("GET|POST /api/admin/config/region", () => {
  it("takes a comma list or an array, de-duplicates and stores it", async () => {
    const res = await call(region.POST, { bearer: ADMIN_TOKEN, body: { regions: "us-east-1, eu-west-1,us-east-1" } });
    expect(await json(res)).toEqual({ regions: ["us-east-1", "eu-west-1"] });
    expect(await getSetting("bedrockRegions")).toEqual(["us-east-1", "eu-west-1"]);
    await call(region.POST, { bearer: ADMIN_TOKEN, body: { region: ["us-west-2"] } });
    expect(await json(await call(region.GET, { bearer: ADMIN_TOKEN }))).toEqual({ regions: ["us-west-2"] });
    const db = await getDb();
    const audit = await db.auditLog.findFirstOrThrow({
      where: { action: "config.regions" },
      orderBy: { createdAt: "desc" },
    });
    expect(audit).toMatchObject({ before: { regions: ["us-east-1", "eu-west-1"] }, after: { regions: ["us-west-2"] } });
  });

  it("answers 400 naming the bad region", async () => {
    await expectValidationError(
      await call(region.POST, { bearer: ADMIN_TOKEN, body: { regions: "us-east-1,mars-1" } }),
      "regions.1",
    );
    await expectValidationError(await call(region.POST, { bearer: ADMIN_TOKEN, body: { regions: 5 } }), "regions");
    await expectValidationError(await call(region.POST, { bearer: ADMIN_TOKEN, body: {} }), "regions");
    expect(await getSetting("bedrockRegions")).toEqual(["us-west-2"]);
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(region.GET);
    await expectAdminOnly(region.POST, { body: { regions: "us-east-1" } });
  });
});

type AuditRow = {
  id: string;
  action: string;
  targetType: string;
  targetId: string | null;
  actorLabel: string;
  before: unknown;
  after: unknown;
};
type Flag = {
  id: string;
  text: string;
  flagReason: string | null;
  session: { id: string; title: string; user: { email: string } };
};

let flagged: Awaited<ReturnType<typeof regularUser>>;
let other: Awaited<ReturnType<typeof regularUser>>;

// Runs when the audit and flag tests start, so their rows are the newest.
async function seedAuditAndFlags() {
  flagged = await regularUser("flagged");
  other = await regularUser("clean");
  const db = await getDb();
  const s = await db.chatSession.create({ data: { userId: flagged.user.id, title: "Risky chat" } });
  await db.message.create({
    data: {
      sessionId: s.id,
      role: "user",
      parts: [],
      text: "how do I pick a lock",
      flagged: true,
      flagReason: "security",
      flaggedAt: new Date(Date.now() - 60_000),
    },
  });
  await db.message.create({ data: { sessionId: s.id, role: "assistant", parts: [], text: "harmless reply" } });
  const s2 = await db.chatSession.create({ data: { userId: other.user.id, title: "Other chat" } });
  await db.message.create({
    data: {
      sessionId: s2.id,
      role: "user",
      parts: [],
      text: "spam spam",
      flagged: true,
      flagReason: "spam",
      flaggedAt: new Date(),
    },
  });
  await call(groupCreate.POST, { bearer: ADMIN_TOKEN, body: { name: "audited-group" } });
  await call(userUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: other.user.id, name: "Renamed", rpm: 5 } });
}

describe("GET /api/admin/audit", () => {
  beforeAll(seedAuditAndFlags);

  it("lists admin changes newest first with actor, target, before and after", async () => {
    const body = await json<{ total: number; items: AuditRow[] }>(
      await call(audit.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/audit" }),
    );
    expect(body.total).toBeGreaterThanOrEqual(3);
    expect(body.items.map((a) => a.action).slice(0, 3)).toEqual(["wallet.update", "user.update", "group.create"]);
    expect(body.items[1]).toMatchObject({
      targetType: "user",
      targetId: other.user.id,
      actorLabel: "ADMIN_API_KEY",
      after: { name: "Renamed" },
    });
  });

  it("filters by action prefix, target and actor and searches", async () => {
    const byAction = await json<{ items: AuditRow[] }>(
      await call(audit.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/audit?action=group." }),
    );
    expect(byAction.items.map((a) => a.action)).toEqual(["group.create"]);
    const byTarget = await json<{ items: AuditRow[] }>(
      await call(audit.GET, {
        bearer: ADMIN_TOKEN,
        path: `/api/admin/audit?target_type=user&target_id=${other.user.id}`,
      }),
    );
    expect(byTarget.items.map((a) => a.action)).toEqual(["user.update"]);
    const search = await json<{ total: number }>(
      await call(audit.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/audit?q=no-such-actor" }),
    );
    expect(search.total).toBe(0);
  });

  it("answers 400 for bad paging and is for administrators only", async () => {
    await expectValidationError(
      await call(audit.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/audit?limit=201" }),
      "limit",
    );
    await expectAdminOnly(audit.GET, { path: "/api/admin/audit" });
  });

  it("offers no way to change or delete audit rows", () => {
    expect(Object.keys(audit).filter((k) => /^(POST|PUT|PATCH|DELETE)$/.test(k))).toEqual([]);
    const root = path.resolve(import.meta.dirname, "../..");
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (name === "generated" || name === "node_modules") continue;
        if (statSync(file).isDirectory()) walk(file);
        else if (
          /\.tsx?$/.test(name) &&
          /auditLog\.(update|updateMany|delete|deleteMany|upsert)\b|"AuditLog"[^;]*\b(UPDATE|DELETE)\b|\b(UPDATE|DELETE FROM)\s+"AuditLog"/i.test(
            readFileSync(file, "utf8"),
          )
        ) {
          offenders.push(path.relative(root, file));
        }
      }
    };
    walk(path.join(root, "app"));
    walk(path.join(root, "lib"));
    expect(offenders).toEqual([]);
  });
});

describe("GET /api/admin/flags", () => {
  it("lists flagged messages with their session and user, newest flag first", async () => {
    const body = await json<{ total: number; items: Flag[] }>(
      await call(flags.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/flags" }),
    );
    expect(body.total).toBe(2);
    expect(body.items.map((f) => f.text)).toEqual(["spam spam", "how do I pick a lock"]);
    expect(body.items[1]).toMatchObject({
      flagReason: "security",
      session: { title: "Risky chat", user: { email: flagged.email } },
    });
  });

  it("filters by user and searches text and reasons", async () => {
    const byUser = await json<{ items: Flag[] }>(
      await call(flags.GET, { bearer: ADMIN_TOKEN, path: `/api/admin/flags?user_id=${flagged.user.id}` }),
    );
    expect(byUser.items.map((f) => f.text)).toEqual(["how do I pick a lock"]);
    const search = await json<{ items: Flag[] }>(
      await call(flags.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/flags?q=SPAM" }),
    );
    expect(search.items.map((f) => f.flagReason)).toEqual(["spam"]);
  });

  it("answers 400 for bad paging and is for administrators only", async () => {
    await expectValidationError(
      await call(flags.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/flags?offset=1.5" }),
      "offset",
    );
    await expectAdminOnly(flags.GET, { path: "/api/admin/flags" });
  });
});
