// GET /api/admin/ollama/models – the models installed on the Ollama server (first Ollama provider, or ?provider_id=).
import { withAdmin } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/body";
import { ollamaModelListQuery } from "@/lib/validations/admin";
import { listInstalledOllamaModels } from "@/lib/ollama/client";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { provider_id, ...page } = parseQuery(req, ollamaModelListQuery);
  return listInstalledOllamaModels({ ...page, providerId: provider_id });
});
