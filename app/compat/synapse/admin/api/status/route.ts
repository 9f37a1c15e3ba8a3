// GET /compat/synapse/admin/api/status – API port, process state and number of sessions.

import { synapseStatus } from "@/lib/compat/synapse/admin";
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";

export const dynamic = "force-dynamic";

export const GET = withSynapseAdmin(async () => synapseStatus());
