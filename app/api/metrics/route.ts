// GET /api/metrics – Prometheus text format: requests, tokens, cost, latency, streams, limits, upstream errors, process.
import { withPublic } from "@/lib/api/handler";
import { authorizeMetricsScrapeOrThrow } from "@/lib/metrics/auth";
import { renderMetrics } from "@/lib/metrics/prometheus";

export const dynamic = "force-dynamic";

// withPublic: the scraper's METRICS_TOKEN is not a user, so the check is its own (admins pass too).
export const GET = withPublic(async ({ req }) => {
  await authorizeMetricsScrapeOrThrow(req);
  const { body, contentType } = await renderMetrics();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
