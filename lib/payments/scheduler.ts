import "server-only";
import { logger } from "@/lib/logging/logger";
import { runAdminPaymentDigest, runBalanceAlerts } from "./alerts";
import { runAutoTopUps } from "./auto-top-up";

// One timer per instance runs the payment jobs every minute. Each job claims its work with a
// conditional UPDATE or a unique row, so several instances running them at once do each thing once.

const INTERVAL_MS = 60_000;
const globalForJobs = globalThis as unknown as { tollgatePaymentJobs?: NodeJS.Timeout };

export async function runPaymentJobs(now = new Date()): Promise<void> {
  for (const [name, job] of [
    ["auto top-up", () => runAutoTopUps(now)],
    ["balance alerts", () => runBalanceAlerts()],
    ["payments digest", () => runAdminPaymentDigest(now)],
  ] as const) {
    try {
      await job();
    } catch (err) {
      logger.warn({ job: name, err: err instanceof Error ? err.message : String(err) }, "payment job failed");
    }
  }
}

export function startPaymentJobs(): void {
  if (globalForJobs.tollgatePaymentJobs) return;
  globalForJobs.tollgatePaymentJobs = setInterval(() => void runPaymentJobs(), INTERVAL_MS);
  globalForJobs.tollgatePaymentJobs.unref();
}

export function stopPaymentJobs(): void {
  if (globalForJobs.tollgatePaymentJobs) clearInterval(globalForJobs.tollgatePaymentJobs);
  globalForJobs.tollgatePaymentJobs = undefined;
}
