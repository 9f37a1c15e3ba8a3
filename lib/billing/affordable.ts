import "server-only";
import { now, startOfUtcMonth } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { ResolvedModel } from "@/lib/providers/types";
import { getSettingsCached } from "@/lib/settings";
import { DEFAULT_MAX_OUTPUT_TOKENS, promptTokenUpperBound, type WorstCase, worstCase } from "./estimate";
import type { Principal } from "./principal";
import type { Reservation } from "./reservation";
import { type ReserveInput, reserveBudget } from "./reserve";

// Spending to the last cent. Without a client's `max_tokens`, a request's worst case assumes the
// model's whole output limit, which a small balance or the end of a monthly quota cannot cover,
// although a shorter answer would be affordable. When money is what refuses such a request, it is
// admitted again with its output capped at what the money left affords (the upstream is told so
// with `max_tokens`), and refused only when not even a short answer (the `minAnswerTokens`
// setting) fits. A client that set its own `max_tokens` gets exactly that, or a refusal.

/** Response header naming the output cap the gateway set because money was the binding limit. */
export const MAX_TOKENS_CAPPED_HEADER = "x-tollgate-max-tokens-capped";

const MONEY_LIMITS = new Set(["balance", "monthly_quota"]);

function isMoneyRefusal(err: unknown): boolean {
  return err instanceof AppError && MONEY_LIMITS.has(String(err.options.details?.limit));
}

/** What every money level of the principal has left right now: the least of balances and quotas, or null when none applies. */
async function moneyLeft(principal: Principal): Promise<bigint | null> {
  const db = await getDb();
  const rows = await db.limit.findMany({
    where: {
      OR: [
        { userId: principal.userId },
        ...(principal.groupId ? [{ groupId: principal.groupId }] : []),
        ...(principal.key ? [{ apiKeyId: principal.key.id }] : []),
      ],
    },
    select: {
      balance: true,
      reserved: true,
      monthlyQuota: true,
      monthSpent: true,
      monthReserved: true,
      monthStart: true,
    },
  });
  const month = startOfUtcMonth(now()).getTime();
  let left: bigint | null = null;
  for (const r of rows) {
    const candidates: bigint[] = [];
    if (r.balance !== null) candidates.push(r.balance - r.reserved);
    if (r.monthlyQuota !== null)
      candidates.push(
        r.monthlyQuota - (startOfUtcMonth(r.monthStart).getTime() === month ? r.monthSpent : 0n) - r.monthReserved,
      );
    for (const c of candidates) if (left === null || c < left) left = c;
  }
  return left;
}

/**
 * The most output tokens per choice that `money` pays for, with the prompt's upper bound, at the
 * dearest of the model and its fallbacks (cost rounds up to the micro-unit, as computeCost does).
 * Never more than the smallest model's own output limit.
 */
export function affordableOutputTokens(models: ResolvedModel[], messages: unknown, money: bigint, n = 1): number {
  const prompt = BigInt(promptTokenUpperBound(messages));
  const choices = BigInt(Math.max(1, n));
  let cap = Number.MAX_SAFE_INTEGER;
  for (const m of models) {
    const limit = m.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
    // cost = ceil((prompt × in + out × choices × outPrice) / 1e6) ≤ money  ⇔  out ≤ (money × 1e6 − prompt × in) / (choices × outPrice)
    const budget = money * 1_000_000n - prompt * m.inputPrice;
    const out = budget < 0n ? 0 : m.outputPrice === 0n ? limit : Number(budget / (choices * m.outputPrice));
    cap = Math.min(cap, limit, out);
  }
  return Math.max(0, cap);
}

export type AdmittedBudget = { reservation: Reservation; worst: WorstCase; cappedAt: number | null };

/**
 * Reserves the request's worst case; when a balance or monthly quota refuses it and the client set
 * no output limit, reserves again with the output capped at what the money affords (at least
 * `minAnswerTokens`, so a request that cannot pay for a short answer is still refused, naming the limit).
 */
export async function reserveWithinMeans(
  input: Omit<ReserveInput, "worst"> & {
    models: ResolvedModel[];
    messages: unknown;
    maxTokens: number | undefined;
    n: number;
  },
): Promise<AdmittedBudget> {
  const { models, messages, maxTokens, n, ...reserve } = input;
  const worst = worstCase(models, messages, maxTokens, n);
  try {
    return { reservation: await reserveBudget({ ...reserve, worst }), worst, cappedAt: null };
  } catch (err) {
    if (maxTokens !== undefined || !isMoneyRefusal(err)) throw err;
    const left = await moneyLeft(reserve.principal);
    if (left === null) throw err;
    const { minAnswerTokens } = await getSettingsCached();
    const affordable = affordableOutputTokens(models, messages, left > 0n ? left : 0n, n);
    const cap = Math.max(affordable, minAnswerTokens);
    if (cap * Math.max(1, n) >= worst.outputTokens) throw err;
    const capped = worstCase(models, messages, cap, n);
    return { reservation: await reserveBudget({ ...reserve, worst: capped }), worst: capped, cappedAt: cap };
  }
}

/**
 * The forwarded body with the output cap: `max_completion_tokens` for OpenAI itself (its reasoning
 * models refuse `max_tokens`), `max_tokens` for the compatible servers that know no other; the
 * Bedrock and Ollama adapters read either.
 */
export function withOutputCap(
  body: Record<string, unknown>,
  cap: number | null,
  primary: ResolvedModel,
): Record<string, unknown> {
  if (cap === null) return body;
  return { ...body, [primary.provider.kind === "OPENAI" ? "max_completion_tokens" : "max_tokens"]: cap };
}
