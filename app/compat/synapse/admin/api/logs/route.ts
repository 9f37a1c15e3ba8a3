// GET /compat/synapse/admin/api/logs – the last `lines` lines of the log.
import { parseQuery } from "@/lib/api/body";
import { synapseLogs } from "@/lib/compat/synapse/admin";
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";
import { synapseLogsQuery } from "@/lib/compat/synapse/schemas";

export const dynamic = "force-dynamic";

export const GET = withSynapseAdmin(async ({ req }) => synapseLogs(parseQuery(req, synapseLogsQuery).lines));
