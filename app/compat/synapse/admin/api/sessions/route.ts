// GET /compat/synapse/admin/api/sessions – every conversation with its message count.
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";
import { listSynapseSessions } from "@/lib/compat/synapse/admin";

export const dynamic = "force-dynamic";

export const GET = withSynapseAdmin(async () => listSynapseSessions());
