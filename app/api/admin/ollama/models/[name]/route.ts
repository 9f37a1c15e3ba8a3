// DELETE /api/admin/ollama/models/{name} – remove a model from the Ollama server.

import { parseQuery, parseWith } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { deleteOllamaModel } from "@/lib/ollama/client";
import { ollamaNameParams, ollamaProviderQuery } from "@/lib/validations/admin";

export const DELETE = withAdmin<{ name: string }>(async ({ req, params, caller }) => {
  const { name } = parseWith(ollamaNameParams, params);
  const { provider_id } = parseQuery(req, ollamaProviderQuery);
  return deleteOllamaModel({ name, providerId: provider_id, actor: caller });
});
