// DELETE /api/admin/ollama/models/{name} – remove a model from the Ollama server.
import { withAdmin } from "@/lib/api/handler";
import { parseQuery, parseWith } from "@/lib/api/body";
import { ollamaNameParams, ollamaProviderQuery } from "@/lib/validations/admin";
import { deleteOllamaModel } from "@/lib/ollama/client";

export const DELETE = withAdmin<{ name: string }>(async ({ req, params, caller }) => {
  const { name } = parseWith(ollamaNameParams, params);
  const { provider_id } = parseQuery(req, ollamaProviderQuery);
  return deleteOllamaModel({ name, providerId: provider_id, actor: caller });
});
