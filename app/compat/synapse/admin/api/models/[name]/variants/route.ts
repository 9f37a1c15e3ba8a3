// GET /compat/synapse/admin/api/models/{name}/variants – every variant (tag, size) of one model.
import { parseWith } from "@/lib/api/body";
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";
import { synapseModelParams } from "@/lib/compat/synapse/schemas";
import { curatedModelOrThrow } from "@/lib/ollama/catalog";

export const dynamic = "force-dynamic";

export const GET = withSynapseAdmin<{ name: string }>(async ({ params }) => {
  const model = curatedModelOrThrow(parseWith(synapseModelParams, params).name);
  return { name: model.name, variants: model.variants };
});
