// POST /compat/synapse/admin/api/models/{name}/install – install a model; progress lines stream back as NDJSON.
import { parseWith } from "@/lib/api/body";
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";
import { synapseModelParams } from "@/lib/compat/synapse/schemas";
import { installOllamaModel } from "@/lib/ollama/install";

export const POST = withSynapseAdmin<{ name: string }>(async ({ params, caller }) =>
  installOllamaModel({ name: parseWith(synapseModelParams, params).name, actor: caller }),
);
