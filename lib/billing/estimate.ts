import type { ResolvedModel } from "@/lib/providers/types";
import { computeCost } from "./prices";

// Upper bounds used to reserve money before the upstream call. A token is at least one character
// in practice, so characters + per-message overhead bound the prompt; images get a fixed budget.
const PER_MESSAGE_OVERHEAD = 8;
const PER_IMAGE_TOKENS = 2_000;
export const DEFAULT_MAX_OUTPUT_TOKENS = 4_096;

export function promptTokenUpperBound(messages: unknown): number {
  let total = 16;
  for (const m of Array.isArray(messages) ? messages : []) {
    total += PER_MESSAGE_OVERHEAD + countChars(m);
  }
  return total;
}

function countChars(value: unknown): number {
  if (typeof value === "string") return value.length;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countChars(v), 0);
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj.type === "image_url") return PER_IMAGE_TOKENS;
    return Object.values(obj).reduce((n: number, v) => n + countChars(v), 0);
  }
  return 0;
}

/** A rough count for the rare upstream that reports no usage (marked estimated on the record). */
export function estimateTokens(text: string): number {
  return tokensOfLength(text.length);
}

/** estimateTokens of a text this many characters long: the estimate depends on nothing else. */
export function tokensOfLength(length: number): number {
  return length ? Math.max(1, Math.ceil(length / 4)) : 0;
}

export type WorstCase = { promptTokens: number; outputTokens: number; money: bigint; tokens: bigint };

/** The most a request may cost: its prompt bound plus its output limit, at the dearest of the model and its fallbacks. */
export function worstCase(
  models: ResolvedModel[],
  messages: unknown,
  requestedMaxTokens: number | undefined,
  n = 1,
): WorstCase {
  const promptTokens = promptTokenUpperBound(messages);
  let money = 0n;
  let outputTokens = 0;
  for (const model of models) {
    const out = (requestedMaxTokens ?? model.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS) * Math.max(1, n);
    outputTokens = Math.max(outputTokens, out);
    const cost = computeCost(
      { ...model, cachedInputPrice: null },
      { promptTokens, completionTokens: out, cachedTokens: 0 },
    );
    if (cost > money) money = cost;
  }
  return { promptTokens, outputTokens, money, tokens: BigInt(promptTokens + outputTokens) };
}
