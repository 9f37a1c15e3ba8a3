// Lays out the Next.js standalone output the way the Dockerfile's runtime stage does, starts it with
// the Dockerfile's own CMD (scripts/serve.mjs, as `npm start`) on an embedded database and checks
// that it migrates, serves health, pages, their static assets and a gateway call on the direct path. Run by `npm run test:multi`; also runnable alone: node scripts/standalone-check.mjs
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { freePort } from "./lib/server.mjs";

// The runtime stage's COPY lines: [from (build stage), to (image)].
export const IMAGE_LAYOUT = [
  [".next/standalone", "."],
  [".next/static", ".next/static"],
  ["public", "public"],
  ["prisma", "prisma"],
  ["node_modules/@prisma/schema-engine-wasm", "node_modules/@prisma/schema-engine-wasm"],
  ["node_modules/@electric-sql/pglite", "node_modules/@electric-sql/pglite"],
  ["scripts/serve.mjs", "scripts/serve.mjs"],
  ["scripts/server-process.mjs", "scripts/server-process.mjs"],
  ["scripts/synapse-ws.mjs", "scripts/synapse-ws.mjs"],
  ["scripts/lib/direct-server.mjs", "scripts/lib/direct-server.mjs"],
  ["scripts/lib/drain.mjs", "scripts/lib/drain.mjs"],
  ["lib/direct-path.mjs", "lib/direct-path.mjs"],
  ["security-headers.mjs", "security-headers.mjs"],
  ["node_modules/ws", "node_modules/ws"],
];

/** The runtime stage's CMD, as the words Docker runs (exec form). */
export function imageCommand(dockerfile = readFileSync(path.join(import.meta.dirname, "../Dockerfile"), "utf8")) {
  const cmd = dockerfile.match(/^CMD (\[.*\])$/gm)?.at(-1);
  if (!cmd) throw new Error("the Dockerfile has no CMD in exec form");
  return JSON.parse(cmd.slice(4));
}

async function fetchOk(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  return res;
}

/** Resolves with a one-line summary, or throws with the server's output. */
export async function checkStandalone({ timeoutMs = 120_000 } = {}) {
  if (!existsSync(".next/standalone/server.js"))
    throw new Error("no .next/standalone/server.js: run `next build` first (output: standalone)");
  const dir = await mkdtemp(path.join(tmpdir(), "tollgate-standalone-"));
  const app = path.join(dir, "app");
  let child;
  let output = "";
  try {
    for (const [from, to] of IMAGE_LAYOUT)
      await cp(from, path.join(app, to), { recursive: true, verbatimSymlinks: true });
    const port = await freePort();
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_MANUAL_SIG_HANDLE: "true",
      HOSTNAME: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: path.join(dir, "data"),
      LOG_LEVEL: "warn",
    };
    // `node` on PATH is this one, as it is the image's.
    env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${env.PATH}`;
    const [command, ...args] = imageCommand();
    child = spawn(command, args, { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) during start-up`);
      const res = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(5_000) }).catch(() => null);
      if (res?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`GET /api/health did not answer 200 within ${timeoutMs / 1000} s`);
      await sleep(300);
    }
    const html = await (await fetchOk(`${base}/login`)).text();
    const asset = /\/_next\/static\/[^"']+\.(?:js|css)/.exec(html)?.[0];
    if (!asset) throw new Error("the login page references no /_next/static asset");
    await fetchOk(`${base}${asset}`);
    await fetchOk(`${base}/api/openapi.json`);
    if (!output.includes("Tollgate ready on")) throw new Error("the image did not start scripts/serve.mjs");
    if (output.includes('"next start" does not work'))
      throw new Error("Next.js warned that next start does not suit this build");
    // A gateway call the direct path takes: refused without a key, in the route's own error shape.
    const refused = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [] }),
      signal: AbortSignal.timeout(10_000),
    });
    const error = (await refused.json()).error;
    if (refused.status !== 401 || error?.type !== "authentication_error" || error?.code !== "invalid_api_key")
      throw new Error(`POST /v1/chat/completions without a key answered ${refused.status} ${JSON.stringify(error)}`);
    return `the image's CMD (scripts/serve.mjs) migrated an empty database and served /api/health, /login, ${asset.split("/").pop()} and a refused gateway call`;
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : err}\n----- server output -----\n${output.slice(-3000)}`);
  } finally {
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await Promise.race([new Promise((r) => child.once("exit", r)), sleep(10_000).then(() => child.kill("SIGKILL"))]);
    }
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  checkStandalone().then(
    (summary) => console.log(`OK  ${summary}`),
    (err) => {
      console.error(`FAIL  ${err.message}`);
      process.exit(1);
    },
  );
}
