// GET /api/admin/metrics/stream – server-sent events every 5 s: CPU, memory, network, disk, requests, active users, loaded models.
import { withAdmin } from "@/lib/api/handler";
import { metricsStream } from "@/lib/metrics/stream";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => metricsStream({ request: req }));
