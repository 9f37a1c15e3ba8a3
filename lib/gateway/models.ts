import "server-only";
import { listEnabledModels, listModelsForKey } from "@/lib/providers/catalog";
import { formatMoney } from "@/lib/billing/money";
import type { ModelKind } from "@/lib/providers/types";

/** Models in OpenAI's list shape, with Tollgate's kind, prices (per million tokens) and limits; `kind` keeps only that kind. */
export async function listModelsForCaller(allowedModels: string[], kind?: ModelKind) {
  const models = listModelsForKey(await listEnabledModels(), allowedModels).filter((m) => !kind || m.kind === kind);
  return models.map((m) => ({
    id: m.publicId,
    object: "model",
    created: 0,
    owned_by: m.provider.name,
    kind: m.kind === "EMBEDDING" ? ("embedding" as const) : ("chat" as const),
    description: m.description,
    context_window: m.contextWindow,
    max_output_tokens: m.maxOutputTokens,
    supports_images: m.supportsImages,
    pricing: { input_per_million: formatMoney(m.inputPrice), output_per_million: formatMoney(m.outputPrice), cached_input_per_million: m.cachedInputPrice === null ? null : formatMoney(m.cachedInputPrice) },
  }));
}
