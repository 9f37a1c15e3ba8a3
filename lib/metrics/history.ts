import "server-only";
import { config } from "@/lib/config";
import { logger } from "@/lib/logging/logger";
import { METRICS_INTERVAL_MS } from "./stream";
import { createSystemSampler, type SystemMetrics } from "./system";

// The last hour of host figures (the live chart's series), sampled every 5 s from start-up, so the
// admin overview opens on a filled chart instead of one point. Kept in this process's memory: the
// figures are this host's, as the live stream's are, and a restart starts the hour afresh.

export type HostSample = SystemMetrics & { at: string };

export const HISTORY_MINUTES = 60;
const CAPACITY = (HISTORY_MINUTES * 60_000) / METRICS_INTERVAL_MS;

const globalForHistory = globalThis as unknown as {
  tollgateMetricsHistory?: { samples: HostSample[]; timer?: NodeJS.Timeout };
};

function history() {
  globalForHistory.tollgateMetricsHistory ??= { samples: [] };
  return globalForHistory.tollgateMetricsHistory;
}

export function recordHostSample(sample: HostSample): void {
  const { samples } = history();
  samples.push(sample);
  if (samples.length > CAPACITY) samples.splice(0, samples.length - CAPACITY);
}

/** The samples of the last `minutes`, oldest first. */
export function recentHostSamples(minutes: number, nowMs = Date.now()): HostSample[] {
  const since = nowMs - minutes * 60_000;
  return history().samples.filter((s) => Date.parse(s.at) >= since);
}

/** GET /api/admin/metrics/history's answer: the sampling interval and the last `minutes` of samples. */
export function metricsHistory(minutes: number) {
  return { intervalSeconds: METRICS_INTERVAL_MS / 1000, samples: recentHostSamples(minutes) };
}

/** Starts sampling (once per process); resolves when the first sample is recorded. */
export function startMetricsRecorder(intervalMs = METRICS_INTERVAL_MS): Promise<void> {
  const state = history();
  if (state.timer) return Promise.resolve();
  const sample = createSystemSampler(config().dataDir);
  const tick = async () => {
    try {
      const at = new Date().toISOString();
      recordHostSample({ at, ...(await sample()) });
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, "metrics history sample failed");
    }
  };
  state.timer = setInterval(() => void tick(), intervalMs);
  state.timer.unref();
  return tick();
}

/** Stops sampling and forgets what was kept (tests). */
export function resetMetricsHistory(): void {
  const state = history();
  if (state.timer) clearInterval(state.timer);
  state.timer = undefined;
  state.samples.length = 0;
}
