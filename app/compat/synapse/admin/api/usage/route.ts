// GET /compat/synapse/admin/api/usage – the number of requests per user.
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";
import { synapseUsage } from "@/lib/compat/synapse/admin";

export const dynamic = "force-dynamic";

export const GET = withSynapseAdmin(async () => synapseUsage());
