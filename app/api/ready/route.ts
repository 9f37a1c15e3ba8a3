// GET /api/ready – readiness: database, Redis (when configured), the model catalog (loaded after start-up's discovery) and at least one provider answer; 503 otherwise or while draining. The parts only for admins and the metrics scraper.
import { NextResponse } from "next/server";
import { withPublic } from "@/lib/api/handler";
import { isMetricsReader } from "@/lib/metrics/auth";
import { checkReadiness } from "@/lib/readiness";

export const dynamic = "force-dynamic";

export const GET = withPublic(async ({ req }) => {
  const [report, detailed] = await Promise.all([checkReadiness(), isMetricsReader(req)]);
  const body = detailed ? report : { status: report.status };
  return NextResponse.json(body, {
    status: report.status === "ready" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
});
