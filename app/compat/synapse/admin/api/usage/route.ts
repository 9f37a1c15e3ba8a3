// GET /compat/synapse/admin/api/usage – the number of requests per user.

import { synapseUsage } from "@/lib/compat/synapse/admin";
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";

export const dynamic = "force-dynamic";

export const GET = withSynapseAdmin(async () => synapseUsage());
