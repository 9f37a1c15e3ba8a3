import "server-only";
import { formatMoney } from "@/lib/billing/money";
import { AppError } from "@/lib/errors";
import { listEnabledModels, listModelsForKey } from "@/lib/providers/catalog";
import type { ModelKind, ResolvedModel } from "@/lib/providers/types";

/** Models in OpenAI's list shape, with Tollgate's kind, prices (per million tokens) and limits; `kind` keeps only that kind. */
export async function listModelsForCaller(allowedModels: string[], kind?: ModelKind) {
  const models = listModelsForKey(await listEnabledModels(), allowedModels).filter((m) => !kind || m.kind === kind);
  return models.map(modelObject);
}

/** One model the key may use; an unknown, disabled or forbidden model is the same 404. */
export async function modelForCallerOrThrow(allowedModels: string[], id: string) {
  const model = listModelsForKey(await listEnabledModels(), allowedModels).find((m) => m.publicId === id);
  if (!model)
    throw new AppError(
      "model_not_found",
      `The model '${id.slice(0, 200)}' does not exist or you do not have access to it.`,
      { param: "model" },
    );
  return modelObject(model);
}

function modelObject(m: ResolvedModel) {
  return {
    id: m.publicId,
    object: "model",
    created: 0,
    owned_by: m.provider.name,
    kind: m.kind === "EMBEDDING" ? ("embedding" as const) : ("chat" as const),
    description: m.description,
    context_window: m.contextWindow,
    max_output_tokens: m.maxOutputTokens,
    supports_images: m.supportsImages,
    supports_tools: m.supportsTools,
    // Attached documents (PDF, DOCX, text, code) reach every chat model as text (lib/chat/files.ts).
    supports_files: m.kind === "CHAT",
    pricing: {
      input_per_million: formatMoney(m.inputPrice),
      output_per_million: formatMoney(m.outputPrice),
      cached_input_per_million: m.cachedInputPrice === null ? null : formatMoney(m.cachedInputPrice),
    },
  };
}
