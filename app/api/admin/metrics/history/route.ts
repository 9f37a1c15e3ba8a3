// GET /api/admin/metrics/history – the last {minutes} of the live chart's host figures (CPU, memory, network, disk), oldest first.
import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { recentHostSamples } from "@/lib/metrics/history";
import { METRICS_INTERVAL_MS } from "@/lib/metrics/stream";
import { metricsHistoryQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { minutes } = parseQuery(req, metricsHistoryQuery);
  return { intervalSeconds: METRICS_INTERVAL_MS / 1000, samples: recentHostSamples(minutes) };
});
