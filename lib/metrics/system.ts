import "server-only";
import { readFile, statfs } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

// Host figures for the live admin chart: CPU, memory, network and disk. CPU and network are
// averages over the interval since the previous sample; the first sample has no interval, so it
// reports the load average (CPU) and 0 (network).

type Counters = { at: number; cpuIdle: number; cpuTotal: number; process: NodeJS.CpuUsage; netBytes: number | null };

export type SystemMetrics = {
  /** Whole-machine CPU busy %, all cores. */
  cpu: number;
  /** This process's share of all cores, %. */
  processCpu: number;
  memory: number;
  /** Received + sent, Mbit/s, over the interval (0 when /proc/net/dev cannot be read). */
  network: number;
  disk: number;
};

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const clampPercent = (n: number) => round(Math.min(100, Math.max(0, n)), 1);

async function networkBytes(): Promise<number | null> {
  try {
    const text = await readFile("/proc/net/dev", "utf8");
    let total = 0;
    for (const line of text.split("\n").slice(2)) {
      const [name, rest] = line.split(":");
      if (!rest || name.trim() === "lo") continue;
      const fields = rest.trim().split(/\s+/).map(Number);
      total += (fields[0] || 0) + (fields[8] || 0); // rx bytes, tx bytes
    }
    return total;
  } catch {
    return null;
  }
}

async function counters(): Promise<Counters> {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return {
    at: performance.now(),
    cpuIdle: idle,
    cpuTotal: total,
    process: process.cpuUsage(),
    netBytes: await networkBytes(),
  };
}

/** Disk use of the file system holding `dir` (or its nearest existing parent). */
export async function diskPercent(dir: string): Promise<number> {
  let current = path.resolve(dir);
  for (;;) {
    try {
      const s = await statfs(current);
      return s.blocks > 0 ? clampPercent(((s.blocks - s.bavail) / s.blocks) * 100) : 0;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return 0;
      current = parent;
    }
  }
}

/** Keeps the previous counters so each sample averages over the time since the last one. */
export function createSystemSampler(dataDir: string) {
  let previous: Counters | null = null;
  return async function sample(): Promise<SystemMetrics> {
    const next = await counters();
    const prev = previous;
    previous = next;
    const cores = Math.max(1, os.cpus().length);
    const memory = clampPercent(((os.totalmem() - os.freemem()) / os.totalmem()) * 100);
    const disk = await diskPercent(dataDir);
    if (!prev) {
      return { cpu: clampPercent((os.loadavg()[0] / cores) * 100), processCpu: 0, memory, network: 0, disk };
    }
    const seconds = Math.max(0.001, (next.at - prev.at) / 1000);
    const busy = next.cpuTotal - prev.cpuTotal - (next.cpuIdle - prev.cpuIdle);
    const cpuSpan = next.cpuTotal - prev.cpuTotal;
    const procMicros = next.process.user - prev.process.user + (next.process.system - prev.process.system);
    const netDelta = next.netBytes !== null && prev.netBytes !== null ? Math.max(0, next.netBytes - prev.netBytes) : 0;
    return {
      cpu: cpuSpan > 0 ? clampPercent((busy / cpuSpan) * 100) : 0,
      processCpu: clampPercent((procMicros / 1e6 / seconds / cores) * 100),
      memory,
      network: round((netDelta * 8) / 1e6 / seconds, 2),
      disk,
    };
  };
}
