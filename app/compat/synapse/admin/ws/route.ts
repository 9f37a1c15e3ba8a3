// GET /compat/synapse/admin/ws – SynapseChat's live metrics as server-sent events; scripts/synapse-ws.mjs serves them over a WebSocket at this path.
import { withSynapseAdminWs } from "@/lib/compat/synapse/handler";
import { synapseMetricsStream } from "@/lib/compat/synapse/metrics";

export const dynamic = "force-dynamic";

export const GET = withSynapseAdminWs(async ({ req }) => synapseMetricsStream(req));
