// Throwaway Redis and PostgreSQL servers that a test may stop and start again without touching
// the shared ones on 6379 / 5432: each listens on a free port, keeps nothing on disk that
// outlives the test, and comes back on the same port (and data) after stop().
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  child: () => ChildProcess | null,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child()?.exitCode != null) throw new Error(`${what} exited during start-up`);
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

/** A managed child process: start() (again after stop()), stop(signal) waits for the exit. */
function managed(what: string, launch: () => ChildProcess, ready: () => Promise<boolean>) {
  let child: ChildProcess | null = null;
  let output = "";
  return {
    get output() {
      return output;
    },
    async start() {
      child = launch();
      child.stdout?.on("data", (c) => (output += c));
      child.stderr?.on("data", (c) => (output += c));
      await waitFor(what, ready, () => child).catch((err) => {
        throw new Error(`${err.message}:\n${output.slice(-2000)}`);
      });
    },
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once("exit", r));
      c.kill(signal);
      await exited;
    },
  };
}

export async function startRedisServer() {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const ping = async () => {
    const { Redis } = await import("ioredis");
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on("error", () => {}); // "not up yet" is the answer, not an error
    try {
      await r.connect();
      return (await r.ping()) === "PONG";
    } finally {
      r.disconnect();
    }
  };
  const server = managed(
    `redis-server on ${port}`,
    () =>
      spawn(
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
        { stdio: ["ignore", "pipe", "pipe"] },
      ),
    ping,
  );
  await server.start();
  return { url, port, ...server, start: server.start, stop: server.stop };
}

/**
 * A PostgreSQL cluster of its own (initdb in a temp dir, trust auth, fsync off). `url` names
 * database `postgres`.
 */
const idOf = (flag: "-u" | "-g") => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());

export async function startPostgresCluster() {
  const dir = mkdtempSync(path.join(tmpdir(), "tollgate-pg-"));
  // initdb refuses to run as root: then the cluster belongs to the `postgres` user.
  const user = process.getuid?.() === 0 ? { uid: idOf("-u"), gid: idOf("-g") } : {};
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  const data = path.join(dir, "data");
  const done = spawnSync("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"], {
    encoding: "utf8",
    ...user,
  });
  if (done.status !== 0) throw new Error(`initdb failed: ${done.stderr}`);
  const port = await freePort();
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const ready = async () => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await c.connect();
      await c.query("SELECT 1");
      return true;
    } finally {
      await c.end().catch(() => {});
    }
  };
  const server = managed(
    `postgres on ${port}`,
    () => {
      const args = [
        "-D",
        data,
        "-p",
        String(port),
        "-k",
        dir,
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
      ];
      return spawn("postgres", args, { stdio: ["ignore", "pipe", "pipe"], ...user });
    },
    ready,
  );
  await server.start();
  return {
    url,
    port,
    get output() {
      return server.output;
    },
    start: server.start,
    /** SIGINT is PostgreSQL's "fast" shutdown: clients are disconnected, nothing is waited for. */
    stop: (signal: NodeJS.Signals = "SIGINT") => server.stop(signal),
    async destroy() {
      await server.stop("SIGINT");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
