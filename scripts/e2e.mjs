// npm run test:e2e [-- <playwright args>]: the production build, served against a fake LLM upstream and a
// fresh embedded database, driven by Playwright with Debian's Chromium. Leaves nothing running.
//
//   E2E_DATABASE_URL / E2E_REDIS_URL   run the server against PostgreSQL / Redis instead of the embedded default
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startFakeUpstream } from "../test/fake-upstream/server.mjs";

const NEXT = "node_modules/next/dist/bin/next";
const PLAYWRIGHT = "node_modules/@playwright/test/cli.js";
const HEALTH_TIMEOUT_MS = 120_000;
const KILL_GRACE_MS = 10_000;

const ADMIN = {
  email: "admin@e2e.test",
  password: "admin-password-e2e",
  token: "e2e-admin-token-0123456789abcdef",
};

// Never let the server under test reach a real database, cache, mail server or LLM provider by accident.
const INHERITED_VARS_TO_DROP = [
  "DATABASE_URL",
  "REDIS_URL",
  "PGLITE_DIR",
  "UPSTASH_REDIS_REST_URL",
  "UPSTASH_REDIS_REST_TOKEN",
  "SMTP_HOST",
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "BEDROCK_ENDPOINT_URL",
];

const log = (message) => console.log(`[e2e] ${message}`);

function buildIfNeeded() {
  if (existsSync(".next/BUILD_ID")) return;
  log("no production build yet: running `next build`");
  const build = spawnSync(process.execPath, [NEXT, "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (build.status !== 0) throw new Error(`next build failed (exit ${build.status ?? build.signal})`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function serverEnv({ port, baseUrl, dataDir, upstreamUrl }) {
  const env = { ...process.env };
  for (const name of INHERITED_VARS_TO_DROP) delete env[name];
  Object.assign(env, {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    NEXTAUTH_URL: baseUrl,
    DATA_DIR: dataDir,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ADMIN_API_KEY: ADMIN.token,
    OPENAI_COMPATIBLE_BASE_URL: `${upstreamUrl}/v1`,
    OPENAI_COMPATIBLE_API_KEY: "fake-key",
    OLLAMA_BASE_URL: upstreamUrl,
  });
  if (process.env.E2E_DATABASE_URL) {
    env.DATABASE_URL = process.env.E2E_DATABASE_URL;
    // Production with PostgreSQL refuses to start without a secret (the embedded default generates one).
    env.AUTH_SECRET ??= randomBytes(32).toString("base64url");
  }
  if (process.env.E2E_REDIS_URL) env.REDIS_URL = process.env.E2E_REDIS_URL;
  return env;
}

/** `next start` in its own process group, so stopping it also stops anything it spawned. */
function startServer(port, env) {
  const child = spawn(process.execPath, [NEXT, "start", "--port", String(port), "--hostname", "127.0.0.1"], {
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = [];
  const keep = (chunk) => {
    output.push(chunk.toString());
    if (output.length > 2000) output.shift();
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  let running = true;
  exited.then(() => (running = false));

  return {
    exited,
    get running() {
      return running;
    },
    printOutput(title) {
      console.error(`\n----- ${title} -----\n${output.join("").trimEnd()}\n----- end of server output -----\n`);
    },
    async stop() {
      if (!running) return;
      const signalGroup = (signal) => {
        try {
          process.kill(-child.pid, signal);
        } catch {
          // already gone
        }
      };
      signalGroup("SIGTERM");
      const result = await Promise.race([exited, sleep(KILL_GRACE_MS).then(() => null)]);
      if (!result) {
        log(`server still running ${KILL_GRACE_MS / 1000} s after SIGTERM: sending SIGKILL`);
        signalGroup("SIGKILL");
        await exited;
      }
    },
  };
}

async function waitForHealth(baseUrl, server, signal) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    if (!server.running) {
      const { code, signal } = await server.exited;
      server.printOutput(`server exited (${signal ?? `code ${code}`}) before it was healthy`);
      throw new Error("the server died during start-up");
    }
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  server.printOutput("server output");
  throw new Error(`GET /api/health did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s`);
}

function runPlaywright(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PLAYWRIGHT, "test", ...args], { stdio: "inherit", env });
    // Ctrl-C reaches Playwright through the terminal; a SIGTERM to this script is passed on.
    const forward = () => child.kill("SIGTERM");
    process.on("SIGTERM", forward);
    child.on("exit", (code, signal) => {
      process.off("SIGTERM", forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main() {
  buildIfNeeded();
  const dataDir = await mkdtemp(path.join(tmpdir(), "tollgate-e2e-"));
  let upstream;
  let server;
  // An interrupt during start-up stops waiting and cleans up instead of killing this script outright
  // (the server has its own process group and would outlive it).
  const startup = new AbortController();
  const interrupted = () => startup.abort(new Error("interrupted"));
  process.on("SIGINT", interrupted);
  process.on("SIGTERM", interrupted);
  try {
    upstream = await startFakeUpstream({ port: 0 });
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    log(`fake upstream at ${upstream.url}, data in ${dataDir}`);
    log(`starting the server at ${baseUrl}${process.env.E2E_DATABASE_URL ? " on PostgreSQL" : " on the embedded database"}`);
    server = startServer(port, serverEnv({ port, baseUrl, dataDir, upstreamUrl: upstream.url }));
    const started = Date.now();
    await waitForHealth(baseUrl, server, startup.signal);
    log(`server healthy after ${((Date.now() - started) / 1000).toFixed(1)} s; running Playwright`);

    const exitCode = await runPlaywright(process.argv.slice(2), {
      ...process.env,
      E2E_BASE_URL: baseUrl,
      E2E_FAKE_UPSTREAM_URL: upstream.url,
      E2E_ADMIN_EMAIL: ADMIN.email,
      E2E_ADMIN_PASSWORD: ADMIN.password,
      E2E_ADMIN_TOKEN: ADMIN.token,
    });
    if (!server.running) server.printOutput("the server died while the tests ran");
    else if (exitCode !== 0) server.printOutput("server output (tests failed)");
    return exitCode;
  } finally {
    await server?.stop();
    await upstream?.close();
    await rm(dataDir, { recursive: true, force: true });
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[e2e] ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
