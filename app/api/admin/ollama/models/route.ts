// GET /api/admin/ollama/models – the models installed on the Ollama server (first Ollama provider, or ?provider_id=).

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { listInstalledOllamaModels } from "@/lib/ollama/client";
import { ollamaModelListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { provider_id, ...page } = parseQuery(req, ollamaModelListQuery);
  return listInstalledOllamaModels({ ...page, providerId: provider_id });
});
