// GET /api/admin/logs – the last lines of the structured log (the LOG_PATH file, else this process's recent lines).

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { tailLogs } from "@/lib/logging/tail";
import { logsQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => tailLogs(parseQuery(req, logsQuery).lines));
