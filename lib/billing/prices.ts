import type { ResolvedModel, Usage } from "@/lib/providers/types";
import { mulDivCeil } from "./money";

const PER_MILLION = 1_000_000n;

type Prices = Pick<ResolvedModel, "inputPrice" | "outputPrice" | "cachedInputPrice">;

/**
 * Cost in micro-units: prompt × input price + completion × output price, with cached prompt tokens
 * at the cached price where the model has one. Prices are per million tokens; the total is rounded
 * up once, so a request's cost is an exact integer and the ledger adds up to the last micro-unit.
 */
export function computeCost(
  prices: Prices,
  usage: Pick<Usage, "promptTokens" | "completionTokens" | "cachedTokens">,
): bigint {
  const cached = prices.cachedInputPrice !== null ? BigInt(Math.min(usage.cachedTokens, usage.promptTokens)) : 0n;
  const uncached = BigInt(usage.promptTokens) - cached;
  const numerator =
    uncached * prices.inputPrice +
    cached * (prices.cachedInputPrice ?? 0n) +
    BigInt(usage.completionTokens) * prices.outputPrice;
  return mulDivCeil(numerator, 1n, PER_MILLION);
}
