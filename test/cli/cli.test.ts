// `npx tollgate …`: each command runs as a real process (scripts/cli.mjs) against a temporary embedded
// database, and the test reads that database afterwards to check the effect.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import type { FakeUpstream } from "../helpers/gateway";
import { startSmtpServer } from "../helpers/smtp";

const root = path.resolve(import.meta.dirname, "../..");
/** The migrations in the repository: a fresh database has all of them to apply. */
const MIGRATIONS = readdirSync(path.join(root, "prisma/migrations"), { withFileTypes: true }).filter((d) =>
  d.isDirectory(),
).length;
const dataDir = mkdtempSync(path.join(tmpdir(), "tollgate-cli-"));
const pgliteDir = path.join(dataDir, "pglite");
const CLI_TIMEOUT_MS = 120_000;

// Never let the CLI under test reach a real database, Redis, mail server or provider by accident.
const DROPPED = [
  "DATABASE_URL",
  "REDIS_URL",
  "UPSTASH_REDIS_REST_URL",
  "SMTP_HOST",
  "OPENAI_API_KEY",
  "OPENAI_COMPATIBLE_BASE_URL",
  "OLLAMA_BASE_URL",
  "AWS_ACCESS_KEY_ID",
];
let port = 0;

/** A port nothing listens on, so the CLI's "is a server using this database?" probe finds nobody. */
function freePort(): Promise<number> {
  const probe = createServer();
  return new Promise((resolve) =>
    probe.listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    }),
  );
}

type Run = { code: number | null; stdout: string; stderr: string };

function tollgate(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGLITE_DIR: pgliteDir,
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: "silent",
    ...extraEnv,
  };
  for (const name of DROPPED) if (!(name in extraEnv)) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "scripts", "cli.mjs"), ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), CLI_TIMEOUT_MS);
    child.on("error", reject);
    child.on("exit", (code: number | null) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Opens the CLI's database once the CLI has exited (PGlite allows one process at a time). */
async function inDb<T>(fn: (query: <R>(sql: string, params?: unknown[]) => Promise<R[]>) => Promise<T>): Promise<T> {
  const db = await PGlite.create(pgliteDir);
  try {
    return await fn(async <R>(sql: string, params: unknown[] = []) => (await db.query<R>(sql, params)).rows);
  } finally {
    await db.close();
  }
}

const query = <R>(sql: string, params: unknown[] = []) => inDb((q) => q<R>(sql, params));

let upstream: FakeUpstream;
let blocker: Server;
beforeAll(async () => {
  upstream = await startFakeUpstream({ port: 0 });
  // Answers like a Tollgate server's /api/health, for the "database in use" test.
  blocker = createServer((_req, res) => res.end(JSON.stringify({ status: "ok", db: "ok", version: "0.0.0" })));
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  port = await freePort();
});
afterAll(async () => {
  await upstream?.close();
  await new Promise((resolve) => blocker?.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

describe("tollgate CLI", { timeout: 4 * CLI_TIMEOUT_MS }, () => {
  it("prints its usage and refuses unknown commands", async () => {
    const help = await tollgate(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/key create --email <email> --name <name>/);
    const unknown = await tollgate(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command: frobnicate/);
  });

  it("doctor reports the missing migrations and fails; data commands refuse an unmigrated database", async () => {
    const doctor = await tollgate(["doctor"]);
    expect(doctor.stdout).toMatch(/^OK {4}configuration: valid \(embedded database in .*pglite\)$/m);
    expect(doctor.stdout).toMatch(/^OK {4}database: reachable$/m);
    expect(doctor.stdout).toMatch(new RegExp(`^FAIL {2}migrations: ${MIGRATIONS} not applied`, "m"));
    expect(doctor.code).toBe(1);
    const admin = await tollgate(["admin", "create", "--email", "early@example.test", "--password", "password-123"]);
    expect(admin.code).toBe(1);
    expect(admin.stderr).toMatch(/run `tollgate db migrate`/);
  });

  it("db migrate applies every migration once, then has nothing to do", async () => {
    const first = await tollgate(["db", "migrate"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`Applied ${MIGRATIONS} migration\\(s\\)`));
    const second = await tollgate(["db", "migrate"]);
    expect(second.stdout).toMatch(/up to date/);
    const rows = await query<{ migration_name: string; n: number }>(
      `SELECT migration_name, count(*)::int AS n FROM _prisma_migrations GROUP BY 1`,
    );
    expect(rows).toHaveLength(MIGRATIONS);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it("admin create makes an administrator with a password, and validates its input", async () => {
    const bad = await tollgate(["admin", "create", "--email", "not-an-email", "--password", "password-123"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/email/);
    const ok = await tollgate([
      "admin",
      "create",
      "--email",
      "Ops@Example.test",
      "--password",
      "password-123",
      "--name",
      "Ops",
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^Created administrator ops@example\.test \(id \w+\)$/m);
    const [[user], audit] = await inDb((q) =>
      Promise.all([
        q<{ role: string; passwordHash: string | null; name: string }>(
          `SELECT role, "passwordHash", name FROM "User" WHERE email = 'ops@example.test'`,
        ),
        q(`SELECT 1 FROM "AuditLog" WHERE action = 'user.create' AND "actorLabel" = 'cli'`),
      ]),
    );
    expect(user).toMatchObject({ role: "ADMIN", name: "Ops" });
    expect(user.passwordHash).toMatch(/\S{20,}/);
    expect(audit).toHaveLength(1);
  });

  let createdKey = "";
  it("key create prints the key once and stores only its hash, with the balance as a ledger row", async () => {
    const run = await tollgate([
      "key",
      "create",
      "--email",
      "dev@example.test",
      "--name",
      "ci key",
      "--balance",
      "5.25",
      "--expires",
      "2099-01-01",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const keys = run.stdout.match(/tg-[A-Za-z0-9]{40}/g) ?? [];
    expect(keys).toHaveLength(1);
    createdKey = keys[0] ?? "";
    expect(run.stdout).toMatch(/Created user dev@example\.test/);
    expect(run.stdout).toMatch(new RegExp(`prefix ${createdKey.slice(0, 10)}\\) for dev@example\\.test`));
    const { key, ledger } = await inDb(async (q) => {
      const [row] = await q<{ id: string; hash: string; prefix: string; expiresAt: Date; balance: string }>(
        `SELECT k.id, k.hash, k.prefix, k."expiresAt", l.balance::text AS balance FROM "ApiKey" k JOIN "Limit" l ON l."apiKeyId" = k.id WHERE k.name = 'ci key'`,
      );
      return {
        key: row,
        ledger: await q(
          `SELECT t.kind, t.amount::text AS amount FROM "Transaction" t JOIN "Limit" l ON l.id = t."limitId" WHERE l."apiKeyId" = $1`,
          [row.id],
        ),
      };
    });
    expect(key.hash).toBe(createHash("sha256").update(createdKey).digest("hex"));
    expect(key.prefix).toBe(createdKey.slice(0, 10));
    expect(new Date(key.expiresAt).toISOString()).toBe("2099-01-01T00:00:00.000Z");
    expect(key.balance).toBe("5250000");
    expect(ledger).toEqual([{ kind: "RECHARGE", amount: "5250000" }]);
  });

  it("key revoke revokes by prefix (and says when nothing matches)", async () => {
    const missing = await tollgate(["key", "revoke", "--id", "no-such-key"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/API key not found/);
    const run = await tollgate(["key", "revoke", "--prefix", createdKey.slice(0, 10)]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Revoked API key "ci key"/m);
    const [key] = await query<{ revokedAt: Date | null }>(`SELECT "revokedAt" FROM "ApiKey" WHERE name = 'ci key'`);
    expect(key.revokedAt).not.toBeNull();
  });

  // Running instances cache keys: they hear of a revocation only through Redis, so the CLI must not
  // exit with the event still held while its connection comes up.
  it.runIf(process.env.REDIS_URL)("key revoke tells the running instances through Redis before it exits", async () => {
    const prefix = `tollgate-cli-${process.pid}-${Date.now()}:`;
    const redisEnv = { REDIS_URL: process.env.REDIS_URL!, REDIS_KEY_PREFIX: prefix };
    const created = await tollgate(["key", "create", "--email", "dev@example.test", "--name", "bus key"], redisEnv);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.match(/tg-[A-Za-z0-9]{40}/)?.[0] ?? "";
    const listener = new Redis(process.env.REDIS_URL!);
    const heard: Array<{ topic: string }> = [];
    listener.on("message", (_channel: string, raw: string) => heard.push(JSON.parse(raw)));
    await listener.subscribe(`${prefix}events`);
    try {
      const run = await tollgate(["key", "revoke", "--prefix", key.slice(0, 10)], redisEnv);
      expect(run.code, run.stderr).toBe(0);
      // The CLI has exited: what it published is in Redis already (one round trip for it to reach us).
      await listener.ping();
      expect(heard.map((m) => m.topic)).toContain("keys");
    } finally {
      listener.disconnect();
    }
  });

  it("user recharge credits the user's wallet once per idempotency key", async () => {
    const args = [
      "user",
      "recharge",
      "--email",
      "dev@example.test",
      "--amount",
      "12.5",
      "--idempotency-key",
      "invoice-42",
    ];
    const first = await tollgate(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Recharged: dev@example\.test \+12\.500000, balance \d+\.\d{6}/m);
    const again = await tollgate(args);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Already recharged with this idempotency key/m);
    const rows = await query<{ amount: string }>(
      `SELECT t.amount::text AS amount FROM "Transaction" t JOIN "Limit" l ON l.id = t."limitId" JOIN "User" u ON u.id = l."userId" WHERE u.email = 'dev@example.test' AND t.kind = 'RECHARGE'`,
    );
    expect(rows).toEqual([{ amount: "12500000" }]);
    const unknown = await tollgate(["user", "recharge", "--email", "nobody@example.test", "--amount", "1"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No user with the email nobody@example\.test/);
  });

  it("keys import brings over br_ keys from a CSV once; users import previews with --dry-run, then applies", async () => {
    const brKey = `br_${"a1b2c3d4".repeat(5)}`;
    const keysCsv = path.join(dataDir, "keys.csv");
    writeFileSync(keysCsv, `key,email,balance,month_quota\n${brKey},old@example.test,7.5,20\n`);
    const first = await tollgate(["keys", "import", keysCsv]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /^row 2: import br_a1b2c3d… for old@example\.test \(new user\), balance 7\.500000, quota 20\.000000$/m,
    );
    const again = await tollgate(["keys", "import", keysCsv]);
    expect(again.stdout).toMatch(/^Imported 0 key\(s\), 1 already present, 0 new user\(s\)$/m);
    const ledger = await query<{ amount: string }>(
      `SELECT t.amount::text AS amount FROM "Transaction" t JOIN "Limit" l ON l.id = t."limitId" JOIN "ApiKey" k ON k.id = l."apiKeyId" WHERE k.hash = $1`,
      [createHash("sha256").update(brKey).digest("hex")],
    );
    expect(ledger).toEqual([{ amount: "7500000" }]);

    const bad = path.join(dataDir, "bad.csv");
    writeFileSync(bad, `key,email\nshort,x@example.test\n`);
    const refused = await tollgate(["keys", "import", bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ {2}row 2: key must be 32 to 256 characters/m);
    expect((await tollgate(["keys", "import"])).stderr).toMatch(/give the CSV file/);

    const usersCsv = path.join(dataDir, "users.csv");
    writeFileSync(
      usersCsv,
      `email,name,group,rpm\nold@example.test,Old Timer,Legacy,30\nnew@example.test,Newcomer,,\n`,
    );
    const dry = await tollgate(["users", "import", usersCsv, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      /^row 2: update old@example\.test: name \(none\) → Old Timer, group \(none\) → Legacy, rpm \(none\) → 30$/m,
    );
    expect(dry.stdout).toMatch(/^row 3: create new@example\.test: name=Newcomer$/m);
    expect(dry.stdout).toMatch(/dry run: nothing written/);
    expect(await query(`SELECT 1 FROM "User" WHERE email = 'new@example.test'`)).toHaveLength(0);
    const applied = await tollgate(["users", "import", usersCsv]);
    expect(applied.stdout).toMatch(/^Created 1, updated 1, unchanged 0$/m);
    const [old] = await query<{ name: string; group: string; rpm: number }>(
      `SELECT u.name, g.name AS group, l.rpm FROM "User" u JOIN "Group" g ON g.id = u."groupId" JOIN "Limit" l ON l."userId" = u.id WHERE u.email = 'old@example.test'`,
    );
    expect(old).toEqual({ name: "Old Timer", group: "Legacy", rpm: 30 });
  });

  it("doctor checks every part: OK with a reachable provider and SMTP, FAIL with an unreachable provider", async () => {
    await query(
      `INSERT INTO "Provider" (id, name, kind, "baseUrl", "updatedAt") VALUES ('p-fake', 'fake', 'OPENAI_COMPATIBLE', $1, now())`,
      [`${upstream.url}/v1`],
    );
    const smtp = await startSmtpServer();
    try {
      const ok = await tollgate(["doctor"], { SMTP_HOST: "127.0.0.1", SMTP_PORT: String(smtp.port) });
      expect(ok.stdout).toMatch(/^OK {4}migrations: all applied$/m);
      expect(ok.stdout).toMatch(/^OK {4}smtp: 127\.0\.0\.1:\d+ accepts connections$/m);
      expect(ok.stdout).toMatch(/^OK {4}provider fake \(openai_compatible\): \d+ model\(s\) listed/m);
      expect(ok.stdout).not.toMatch(/FAIL/);
      expect(ok.code).toBe(0);
    } finally {
      await smtp.close();
    }
    await query(
      `INSERT INTO "Provider" (id, name, kind, "baseUrl", "updatedAt") VALUES ('p-down', 'down', 'OPENAI_COMPATIBLE', 'http://127.0.0.1:9/v1', now())`,
    );
    const failing = await tollgate(["doctor"]);
    expect(failing.stdout).toMatch(/^FAIL {2}provider down \(openai_compatible\): /m);
    expect(failing.stdout).toMatch(/^OK {4}provider fake/m);
    expect(failing.code).toBe(1);
  });

  it("doctor proves a Bedrock and an Ollama provider answer with one tiny request each, billed to no one", async () => {
    await query(`DELETE FROM "Provider" WHERE id = 'p-down'`);
    await query(
      `INSERT INTO "Provider" (id, name, kind, "baseUrl", regions, "updatedAt") VALUES ('p-br', 'aws', 'BEDROCK', $1, '{eu-west-1,us-west-2}', now())`,
      [`${upstream.url}/{region}`],
    );
    await query(
      `INSERT INTO "Model" (id, "publicId", "providerId", "upstreamId", "updatedAt") VALUES ('m-br', 'claude', 'p-br', 'us.fake', now())`,
    );
    await query(
      `INSERT INTO "Provider" (id, name, kind, "baseUrl", "updatedAt") VALUES ('p-ol', 'local', 'OLLAMA', $1, now())`,
      [upstream.url],
    );
    await query(
      `INSERT INTO "Model" (id, "publicId", "providerId", "upstreamId", "updatedAt") VALUES ('m-ol-embed', 'a-embed', 'p-ol', 'nomic-embed-text:latest', now()), ('m-ol', 'llama', 'p-ol', 'llama3.2:latest', now())`,
    );
    const recordsBefore = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "Request"`);
    const before = upstream.requests.length;
    // Bedrock's keys come from the AWS default chain (here: the environment), as on a server with a role.
    const aws = {
      AWS_ACCESS_KEY_ID: "AKIDTEST",
      AWS_SECRET_ACCESS_KEY: "bedrock-secret",
      AWS_EC2_METADATA_DISABLED: "true",
    };
    const ok = await tollgate(["doctor"], aws);
    expect(ok.stdout).toMatch(/^OK {4}provider aws \(bedrock\): 3 model\(s\) listed in \d+ ms$/m);
    expect(ok.stdout).toMatch(
      /^OK {4}provider aws \(bedrock\) answers: 'us\.fake' in us-west-2 replied in \d+ ms \(1 output token\(s\), billed to no one\)$/m,
    );
    expect(ok.stdout).toMatch(/^OK {4}provider local \(ollama\): \d+ model\(s\) listed/m);
    expect(ok.stdout).toMatch(/^OK {4}provider local \(ollama\) answers: 'llama3\.2:latest' replied in \d+ ms/m);
    expect(ok.code, ok.stdout).toBe(0);
    const calls = upstream.requests.slice(before).filter((r) => r.model !== undefined);
    expect(upstream.requests.slice(before).find((r) => r.path.endsWith("/foundation-models"))).toMatchObject({
      path: "/eu-west-1/foundation-models",
      status: 200,
    });
    expect(calls.map((r) => [r.path, r.status])).toEqual([
      ["/us-west-2/model/us.fake/converse-stream", 200],
      ["/api/chat", 200],
    ]);
    expect(calls[0].body.inferenceConfig).toMatchObject({ maxTokens: 1 });
    expect(calls[1].body.options).toEqual({ num_predict: 1 });
    expect(await query<{ n: number }>(`SELECT count(*)::int AS n FROM "Request"`)).toEqual(recordsBefore);

    const wrong = await tollgate(["doctor"], { ...aws, AWS_SECRET_ACCESS_KEY: "not-the-secret" });
    expect(wrong.stdout).toMatch(
      /^FAIL {2}provider aws \(bedrock\): .*403 InvalidSignatureException: The request signature we calculated does not match/m,
    );
    expect(wrong.stdout).toMatch(
      /^FAIL {2}provider aws \(bedrock\) answers: .*403 InvalidSignatureException: The request signature we calculated does not match/m,
    );
    expect(wrong.code).toBe(1);
  });

  it("refuses to open the embedded database while a Tollgate server answers on PORT", async () => {
    const blockedPort = (blocker.address() as AddressInfo).port;
    const run = await tollgate(["user", "recharge", "--email", "dev@example.test", "--amount", "1"], {
      PORT: String(blockedPort),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/stop the server first/);
  });
});
