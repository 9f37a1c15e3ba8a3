// GET /compat/synapse/admin/api/sessions – every conversation with its message count.

import { listSynapseSessions } from "@/lib/compat/synapse/admin";
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";

export const dynamic = "force-dynamic";

export const GET = withSynapseAdmin(async () => listSynapseSessions());
