// POST /api/admin/ollama/models/{name}/install – pull a model, streaming NDJSON progress (percent, bytes, time left).

import { parseOptionalBody, parseQuery, parseWith } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { installOllamaModel } from "@/lib/ollama/install";
import { ollamaNameParams, ollamaProviderBody, ollamaProviderQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const POST = withAdmin<{ name: string }>(async ({ req, params, caller }) => {
  const { name } = parseWith(ollamaNameParams, params);
  const fromQuery = parseQuery(req, ollamaProviderQuery);
  const fromBody = await parseOptionalBody(req, ollamaProviderBody);
  return installOllamaModel({ name, providerId: fromBody.provider_id ?? fromQuery.provider_id, actor: caller });
});
