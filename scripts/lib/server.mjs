// Starting the production server from a script (e2e, multi-instance, soak, bench): a free port,
// a build if there is none, an environment that cannot reach anything real by accident, and
// the production server (scripts/serve.mjs) in its own process group so stopping it stops everything it spawned.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { serverProcess } from "../server-process.mjs";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const NEXT = path.join(ROOT, "node_modules/next/dist/bin/next");
export const SERVE = path.join(ROOT, "scripts/serve.mjs");
const HEALTH_TIMEOUT_MS = 120_000;
const KILL_GRACE_MS = 10_000;

// Never let a server under test reach a real database, cache, mail server or LLM provider by accident.
export const INHERITED_VARS_TO_DROP = [
  "DATABASE_URL",
  "REDIS_URL",
  "REDIS_KEY_PREFIX",
  "PGLITE_DIR",
  "UPSTASH_REDIS_REST_URL",
  "UPSTASH_REDIS_REST_TOKEN",
  "SMTP_HOST",
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "OPENAI_COMPATIBLE_BASE_URL",
  "OPENAI_COMPATIBLE_API_KEY",
  "OLLAMA_BASE_URL",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "BEDROCK_REGIONS",
  "BEDROCK_ENDPOINT_URL",
  "DISABLE_UI",
  "LOG_PATH",
];

export function freePort() {
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

const BUILD_WAIT_MS = 15 * 60_000;

/**
 * Builds once if `appDir` has no production build (`next build`, its output shown as it runs); waits
 * if another `next build` holds the lock. The one copy: npm start, the e2e, multi-instance and soak
 * checks and the benchmark (which may build another checkout, bench/run.mjs --app-dir) all use it.
 */
export async function buildIfNeeded(log, appDir = ROOT) {
  if (existsSync(path.join(appDir, ".next/BUILD_ID"))) return;
  log(`no production build yet (${path.join(appDir, ".next/BUILD_ID")}): running \`next build\` (a minute or two)`);
  const build = spawn(process.execPath, [NEXT, "build"], {
    cwd: appDir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  let tail = "";
  for (const [from, to] of [
    [build.stdout, process.stdout],
    [build.stderr, process.stderr],
  ])
    from.on("data", (chunk) => {
      to.write(chunk);
      tail = (tail + chunk).slice(-8_000);
    });
  const status = await new Promise((resolve) => build.on("close", (code, signal) => resolve(code ?? signal)));
  if (status === 0) return;
  if (!/Another next build process is already running/.test(tail))
    throw new Error(`next build failed (exit ${status}):\n${tail.slice(-4_000)}`);
  log("another `next build` is running: waiting for it");
  const deadline = Date.now() + BUILD_WAIT_MS;
  while (!existsSync(path.join(appDir, ".next/BUILD_ID"))) {
    if (Date.now() > deadline) throw new Error("gave up waiting for the other `next build`");
    await sleep(2_000);
  }
}

/** The production environment for a server on `port`: the inherited one minus anything real, plus `vars`. */
export function serverEnv(port, vars) {
  const env = { ...process.env };
  for (const name of INHERITED_VARS_TO_DROP) delete env[name];
  return {
    ...env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    ...vars,
  };
}

/**
 * A command in its own process group (so stopping it stops everything it spawned), the tail of its
 * output kept for error reports. `stop()` sends `stopSignal` to the group, SIGKILL after `graceMs`.
 */
export function spawnGroup(
  name,
  command,
  args,
  { env, cwd = ROOT, stopSignal = "SIGTERM", graceMs = KILL_GRACE_MS } = {},
) {
  const child = spawn(command, args, { env, cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk) => {
    output += chunk;
    if (output.length > 4_000_000) output = output.slice(-2_000_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let running = true;
  const exited = new Promise((resolve) =>
    child.on("exit", (code, signal) => ((running = false), resolve({ code, signal }))),
  );
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  return {
    name,
    pid: child.pid,
    exited,
    get output() {
      return output;
    },
    get running() {
      return running;
    },
    printOutput(title) {
      console.error(`\n----- ${title} -----\n${output.trimEnd()}\n----- end of ${name}'s output -----\n`);
    },
    async stop(signal = stopSignal) {
      if (!running) return exited;
      signalGroup(signal);
      const result = await Promise.race([exited, sleep(graceMs).then(() => null)]);
      if (result) return result;
      signalGroup("SIGKILL");
      return exited;
    },
  };
}

/** The production server, as `npm start` runs it, on `port` (SIGTERM lets Tollgate drain). */
export function startServer(name, port, env) {
  const node = serverProcess(env); // as `npm start` runs it
  const server = spawnGroup(
    name,
    process.execPath,
    [...node.args, SERVE, "--port", String(port), "--hostname", "127.0.0.1"],
    { env: node.env },
  );
  return Object.assign(server, { url: `http://127.0.0.1:${port}` });
}

/** Polls /api/health until it answers 200; fails with the server's output if it exits or never does. */
export async function waitHealthy(server, { timeoutMs = HEALTH_TIMEOUT_MS, signal } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if (!server.running) throw new Error(`${server.name} exited during start-up:\n${server.output.slice(-3000)}`);
    const res = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(5_000) }).catch(() => null);
    if (res?.status === 200) return;
    await sleep(300);
  }
  throw new Error(`${server.name} was not healthy within ${timeoutMs / 1000} s:\n${server.output.slice(-3000)}`);
}

export async function withPg(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
