// GET /api/ready – readiness: database, Redis (when configured) and at least one provider answer; 503 otherwise or while draining.
import { NextResponse } from "next/server";
import { checkReadiness } from "@/lib/readiness";

export const dynamic = "force-dynamic";

export async function GET() {
  const report = await checkReadiness();
  return NextResponse.json(report, { status: report.status === "ready" ? 200 : 503, headers: { "cache-control": "no-store" } });
}
