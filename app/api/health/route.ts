// GET /api/health – liveness: the process answers and the database is reachable.
import { NextResponse } from "next/server";
import { withPublic } from "@/lib/api/handler";
import { checkDatabase, isDraining, version } from "@/lib/health";

export const dynamic = "force-dynamic";

export const GET = withPublic(async () => {
  const db = await checkDatabase();
  const ok = db && !isDraining();
  return NextResponse.json(
    { status: ok ? "ok" : isDraining() ? "draining" : "error", db: db ? "ok" : "unreachable", version },
    { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
});
