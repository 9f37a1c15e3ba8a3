// Lays out the Next.js standalone output the way the Dockerfile's runtime stage does, starts
// `node server.js` on an embedded database and checks that it migrates, serves health, pages and
// their static assets. Run by `npm run test:multi`; also runnable alone: node scripts/standalone-check.mjs
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
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
];

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
    child = spawn(process.execPath, ["server.js"], { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server.js exited (${child.exitCode}) during start-up`);
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
    return `server.js migrated an empty database and served /api/health, /login and ${asset.split("/").pop()}`;
  } catch (err) {
    throw new Error(
      `${err instanceof Error ? err.message : err}\n----- server.js output -----\n${output.slice(-3000)}`,
    );
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
