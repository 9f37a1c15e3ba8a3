// DELETE /compat/synapse/admin/api/models/{name} – remove an installed model.
import { parseWith } from "@/lib/api/body";
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";
import { synapseModelParams } from "@/lib/compat/synapse/schemas";
import { deleteOllamaModel } from "@/lib/ollama/client";

export const DELETE = withSynapseAdmin<{ name: string }>(async ({ params, caller }) =>
  deleteOllamaModel({ name: parseWith(synapseModelParams, params).name, actor: caller }),
);
