// GET|POST /compat/synapse/admin/api/config – the API port and the global daily request limit.
import { parseBody } from "@/lib/api/body";
import { getSynapseConfig, setSynapseConfig } from "@/lib/compat/synapse/admin";
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";
import { synapseConfigSchema } from "@/lib/compat/synapse/schemas";

export const dynamic = "force-dynamic";

export const GET = withSynapseAdmin(async () => getSynapseConfig());

export const POST = withSynapseAdmin(async ({ req, caller }) =>
  setSynapseConfig({ fields: await parseBody(req, synapseConfigSchema), actor: caller }),
);
