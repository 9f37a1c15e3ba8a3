// `npx tollgate init --yes`: the first-run wizard, run as a real process against real services —
// PostgreSQL (127.0.0.1:5432), a redis-server of its own, an SMTP server and the fake upstream —
// writes .env only when every answer checks out.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import type { FakeUpstream } from "../helpers/gateway";
import { freePort, startRedisServer } from "../helpers/services";
import { startSmtpServer } from "../helpers/smtp";

const root = path.resolve(import.meta.dirname, "../..");
const POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres";
const dir = mkdtempSync(path.join(tmpdir(), "tollgate-init-"));
const envFile = path.join(dir, ".env");

/** .env as the wizard writes it: NAME=value, or NAME="…" with JSON-style escapes. */
function parse(text: string): Record<string, string> {
  const lines = text.split("\n").filter((l) => /^[A-Z_]+=/.test(l));
  return Object.fromEntries(
    lines.map((l) => [
      l.slice(0, l.indexOf("=")),
      ((v) => (v.startsWith('"') ? (JSON.parse(v) as string) : v))(l.slice(l.indexOf("=") + 1)),
    ]),
  );
}

type Run = { code: number | null; stdout: string; stderr: string };

function tollgateInit(args: string[]): Promise<Run> {
  // A clean environment: the wizard must not pick up this machine's configuration.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, NODE_ENV: "test", LOG_LEVEL: "silent" };
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, "scripts", "cli.mjs"), "init", "--yes", "--out", envFile, ...args],
      { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

let upstream: FakeUpstream;
let redis: Awaited<ReturnType<typeof startRedisServer>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  upstream = await startFakeUpstream({ port: 0, apiKey: "sk-test" });
  redis = await startRedisServer();
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await upstream?.close();
  await redis?.stop();
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

const admin = ["--email", "Owner@Example.test", "--password", "a-long-password"];

describe("tollgate init --yes", { timeout: 120_000 }, () => {
  it("checks every service, then writes .env", async () => {
    const run = await tollgateInit([
      ...admin,
      "--database",
      POSTGRES,
      "--provider",
      "openai-compatible",
      "--provider-url",
      `${upstream.url}/v1`,
      "--provider-key",
      "sk-test",
      "--redis",
      redis.url,
      "--smtp-host",
      "127.0.0.1",
      "--smtp-port",
      String(smtp.port),
      "--smtp-from",
      "Tollgate <noreply@example.test>",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^OK {4}database: connected to postgresql:\/\/postgres@127\.0\.0\.1:5432\/postgres$/m);
    expect(run.stdout).toMatch(/^OK {4}provider: openai-compatible at .* lists [1-9]\d* model\(s\)$/m);
    expect(run.stdout).toMatch(/^OK {4}redis: .* answers PING$/m);
    expect(run.stdout).toMatch(/^OK {4}smtp: 127\.0\.0\.1:\d+ accepts connections$/m);
    const env = parse(readFileSync(envFile, "utf8"));
    expect(env).toMatchObject({
      ADMIN_EMAIL: "owner@example.test",
      ADMIN_PASSWORD: "a-long-password",
      DATABASE_URL: POSTGRES,
      OPENAI_COMPATIBLE_BASE_URL: `${upstream.url}/v1`,
      OPENAI_COMPATIBLE_API_KEY: "sk-test",
      REDIS_URL: redis.url,
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(smtp.port),
      SMTP_FROM: "Tollgate <noreply@example.test>",
    });
    expect(env.AUTH_SECRET).toMatch(/^[\w-]{43}$/);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
  });

  it("refuses to overwrite .env without --force", async () => {
    const before = readFileSync(envFile, "utf8");
    const run = await tollgateInit(admin);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\.env exists: run with --force/);
    expect(readFileSync(envFile, "utf8")).toBe(before);
    const forced = await tollgateInit([...admin, "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/^OK {4}database: embedded/m);
    expect(parse(readFileSync(envFile, "utf8")).DATABASE_URL).toBeUndefined();
  });

  it.each([
    ["a bad email", ["--email", "nope", "--password", "a-long-password"], /admin email: must be a valid email address/],
    [
      "a short password",
      ["--email", "a@example.test", "--password", "short"],
      /admin password: must be at least 8 characters/,
    ],
    ["no admin", [], /admin email: required/],
    [
      "an unreachable database",
      [...admin, "--database", "postgresql://postgres@127.0.0.1:1/postgres"],
      /database: cannot connect to/,
    ],
    [
      "a refused provider key",
      [...admin, "--provider", "openai", "--provider-url", "UPSTREAM", "--provider-key", "bad-key"],
      /provider: .* (refused the key|answered HTTP)/,
    ],
    [
      "an unreachable provider",
      [...admin, "--provider", "ollama", "--provider-url", "http://127.0.0.1:1"],
      /provider: cannot reach/,
    ],
    ["an unknown provider", [...admin, "--provider", "skynet"], /provider: must be one of/],
    ["a dead Redis", [...admin, "--redis", "DEAD_REDIS"], /redis: no answer from/],
    [
      "a dead SMTP server",
      [...admin, "--smtp-host", "127.0.0.1", "--smtp-port", "DEAD_PORT"],
      /smtp: 127\.0\.0\.1:\d+ did not accept a connection/,
    ],
  ])("writes nothing on %s", async (_name, args, message) => {
    rmSync(envFile, { force: true });
    const dead = String(await freePort());
    const filled = args.map((a) =>
      a
        .replace("UPSTREAM", `${upstream.url}/v1`)
        .replace("DEAD_REDIS", `redis://127.0.0.1:${dead}`)
        .replace("DEAD_PORT", dead),
    );
    const run = await tollgateInit(filled);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/Nothing was written/);
    expect(existsSync(envFile)).toBe(false);
  });

  it("refuses to ask questions when stdin is not a terminal", async () => {
    rmSync(envFile, { force: true });
    const run = await new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, [path.join(root, "scripts", "cli.mjs"), "init", "--out", envFile], {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: dir, NODE_ENV: "test" },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c));
      child.stderr.on("data", (c: Buffer) => (stderr += c));
      child.on("exit", (code) => resolve({ code, stdout, stderr }));
      child.stdin.end();
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/stdin is not a terminal: give the answers as flags with --yes/);
  });
});
