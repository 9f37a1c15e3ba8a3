// GET /api/admin/metrics/history – the last {minutes} of the live chart's host figures (CPU, memory, network, disk), oldest first.
import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { metricsHistory } from "@/lib/metrics/history";
import { metricsHistoryQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => metricsHistory(parseQuery(req, metricsHistoryQuery).minutes));
