// GET /api/admin/status – version, uptime, database and Redis state, sessions count, requests today.
import { withAdmin } from "@/lib/api/handler";
import { serverStatus } from "@/lib/metrics/status";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async () => serverStatus());
