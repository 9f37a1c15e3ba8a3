import "server-only";
import { listEnabledModels, listModelsForKey } from "@/lib/providers/catalog";
import { formatMoney } from "@/lib/billing/money";

/** Models in OpenAI's list shape, with Tollgate's prices (per million tokens) and limits. */
export async function listModelsForCaller(allowedModels: string[]) {
  const models = listModelsForKey(await listEnabledModels(), allowedModels);
  return models.map((m) => ({
    id: m.publicId,
    object: "model",
    created: 0,
    owned_by: m.provider.name,
    description: m.description,
    context_window: m.contextWindow,
    max_output_tokens: m.maxOutputTokens,
    supports_images: m.supportsImages,
    pricing: { input_per_million: formatMoney(m.inputPrice), output_per_million: formatMoney(m.outputPrice), cached_input_per_million: m.cachedInputPrice === null ? null : formatMoney(m.cachedInputPrice) },
  }));
}
