// Processes the benchmark starts, and what it reads about them from /proc: CPU time, resident
// memory, and which process of a tree actually listens on a port.
import { fork } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { spawnGroup } from "../../scripts/lib/server.mjs";

const TICKS_PER_SECOND = 100; // USER_HZ; `getconf CLK_TCK` is 100 on every Linux we run on

/** User + system CPU time of one process, in milliseconds (null once it is gone). */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields[0] is the state (field 3)
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * CPU time the whole machine spent busy (every core: user, nice, system, irq, softirq, steal), in
 * milliseconds, from /proc/stat; null where there is none. Its growth over a run, per request, is what
 * one request costs the machine: client, upstream, server, database and kernel together.
 */
export function machineBusyMs() {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8")
      .slice(0, 200)
      .split("\n")[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return ((user + nice + system + irq + softirq + (steal || 0)) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Resident set size in MB (null once the process is gone). */
export function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/** `pid` and all its descendants. */
export function processTree(pid) {
  const all = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const p of all) if (parentOf(p) === tree[i]) tree.push(p);
  return tree;
}

function listeningInodes(port) {
  const inodes = new Set();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const localPort = parseInt(cols[1].split(":")[1], 16);
      if (localPort === port && cols[3] === "0A") inodes.add(cols[9]); // 0A = LISTEN
    }
  }
  return inodes;
}

/** The process in `rootPid`'s tree that holds the listening socket on `port` (next start may fork a worker). */
export function listeningPid(rootPid, port) {
  const inodes = listeningInodes(port);
  for (const pid of processTree(rootPid)) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return pid;
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return null;
}

/** Samples a process's RSS every `intervalMs`; `stop()` returns the peak and the samples. */
export function sampleRss(pid, intervalMs = 250) {
  const samples = [];
  const take = () => {
    const mb = rssMb(pid);
    if (mb !== null) samples.push({ t: Date.now(), mb });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return { peakMb: samples.reduce((m, s) => Math.max(m, s.mb), 0), samples };
    },
  };
}

/** Waits until a process has used (almost) no CPU for `quietMs` — e.g. until a gateway has written its records. */
export async function waitForQuiet(pid, { quietMs = 300, thresholdMs = 3, maxMs = 5_000 } = {}) {
  const deadline = Date.now() + maxMs;
  let last = cpuMs(pid);
  while (Date.now() < deadline) {
    await sleep(quietMs);
    const now = cpuMs(pid);
    if (now === null || last === null || now - last <= thresholdMs) return;
    last = now;
  }
}

/** Forks a Node script that reports `{ port }` over IPC once it listens (mock upstream, pass-through). */
export function forkService(script, args = []) {
  const child = fork(script, args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    child.once("message", (m) => resolve(m.port));
    child.once("exit", (code, signal) => reject(new Error(`${script} exited (${signal ?? code}) before listening`)));
  });
  return {
    pid: child.pid,
    ready,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(3_000).then(() => child.kill("SIGKILL"))]);
    },
  };
}

/** A server in its own process group, its output kept (see scripts/lib/server.mjs). */
export function spawnServer(name, command, args, { env, cwd, stopSignal = "SIGTERM", graceMs = 15_000 } = {}) {
  return spawnGroup(name, command, args, { env, cwd, stopSignal, graceMs });
}

/** Polls `probe()` until it resolves truthy; fails early if the server exits. */
export async function waitUntil(what, probe, { server, timeoutMs = 120_000, intervalMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (server && !server.running)
      throw new Error(`${server.name} exited before ${what}:\n${server.output.slice(-3_000)}`);
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `timed out waiting for ${what}${lastError ? ` (${lastError.message})` : ""}${server ? `:\n${server.output.slice(-3_000)}` : ""}`,
  );
}
