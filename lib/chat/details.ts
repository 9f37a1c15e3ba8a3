import type { LanguageModelUsage } from "ai";
import { formatMoney } from "@/lib/billing/money";
import { computeCost } from "@/lib/billing/prices";
import type { ResolvedModel } from "@/lib/providers/types";
import type { AnswerDetails } from "./ui-message";

// What an answer took, as its footer shows it the moment it ends: the same tokens and the same price
// formula as its settlement (billing/prices.ts), so the footer and the bill agree.

export function answerDetails(input: {
  model: Pick<ResolvedModel, "inputPrice" | "outputPrice" | "cachedInputPrice">;
  usage: LanguageModelUsage;
  requestId: string;
  ttftMs: number | null;
}): AnswerDetails {
  const promptTokens = input.usage.inputTokens ?? 0;
  const completionTokens = input.usage.outputTokens ?? 0;
  const cachedTokens = input.usage.inputTokenDetails?.cacheReadTokens ?? 0;
  return {
    requestId: input.requestId,
    promptTokens,
    completionTokens,
    cost: formatMoney(computeCost(input.model, { promptTokens, completionTokens, cachedTokens })),
    ttftMs: input.ttftMs,
  };
}
