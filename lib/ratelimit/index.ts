import "server-only";
import { createHash } from "node:crypto";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis as UpstashRedis } from "@upstash/redis";
import type { Redis as IORedis } from "ioredis";
import { config } from "@/lib/config";
import { getRedis } from "@/lib/redis/client";
import { getSettingsCached } from "@/lib/settings";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logging/logger";

// Requests and tokens per minute with @upstash/ratelimit: Redis (ioredis) when REDIS_URL is set,
// Upstash REST when UPSTASH_* is set, in-process otherwise. Shared across instances with Redis.

export type RateDecision = { limit: number; remaining: number; reset: number };

type Limiter = { limit(identifier: string, rate: number): Promise<{ success: boolean; limit: number; remaining: number; reset: number }> };

// @upstash/ratelimit talks to Upstash's client API. This adapter gives it ioredis: the scripts'
// `#!lua flags=…` shebang is stripped (Redis 7.0 rejects it). EVALSHA of a script we have not
// seen answers NOSCRIPT so the library sends it once with EVAL; after that the stripped script's
// own SHA is used, so each check costs one short EVALSHA instead of shipping the whole script.
function ioredisAdapter(redis: IORedis) {
  const strip = (script: string) => script.replace(/^#!lua[^\n]*\n/, "");
  const shaFor = new Map<string, string>(); // library's hash → stripped script's SHA1
  const argv = (args: unknown[]) => args.map((a) => (a === null || a === undefined ? "" : String(a)));
  return {
    evalsha: async (hash: string, keys: string[], args: unknown[]) => {
      const sha = shaFor.get(hash);
      if (!sha) throw new Error("NOSCRIPT script not loaded yet");
      return redis.evalsha(sha, keys.length, ...keys, ...argv(args));
    },
    eval: async (script: string, keys: string[], args: unknown[]) => {
      const stripped = strip(script);
      const result = await redis.eval(stripped, keys.length, ...keys, ...argv(args));
      shaFor.set(createHash("sha1").update(script).digest("hex"), createHash("sha1").update(stripped).digest("hex"));
      return result;
    },
  };
}

class InProcessSlidingWindow implements Limiter {
  private windows = new Map<string, { start: number; prev: number; curr: number }>();
  constructor(
    private readonly max: number,
    private readonly windowMs = 60_000,
  ) {}
  async limit(identifier: string, rate: number) {
    const t = Date.now();
    const start = Math.floor(t / this.windowMs) * this.windowMs;
    let w = this.windows.get(identifier);
    if (!w || w.start !== start) {
      w = { start, prev: w && w.start === start - this.windowMs ? w.curr : 0, curr: 0 };
      if (this.windows.size > 100_000) this.windows.clear();
      this.windows.set(identifier, w);
    }
    const weight = 1 - (t - start) / this.windowMs;
    const used = Math.floor(w.prev * weight) + w.curr;
    const success = used + rate <= this.max;
    if (success) w.curr += rate;
    return { success, limit: this.max, remaining: Math.max(0, this.max - used - (success ? rate : 0)), reset: start + this.windowMs };
  }
}

const globalForLimits = globalThis as unknown as { tollgateLimiters?: Map<string, Limiter> };

function limiterFor(kind: "rpm" | "tpm", max: number): Limiter {
  const cache = (globalForLimits.tollgateLimiters ??= new Map());
  const id = `${kind}:${max}`;
  let limiter = cache.get(id);
  if (!limiter) {
    const cfg = config();
    const redis = getRedis();
    const prefix = `${cfg.REDIS_KEY_PREFIX}rl:${kind}`;
    if (redis || cfg.UPSTASH_REDIS_REST_URL) {
      const client = redis
        ? (ioredisAdapter(redis) as unknown as UpstashRedis)
        : new UpstashRedis({ url: cfg.UPSTASH_REDIS_REST_URL!, token: cfg.UPSTASH_REDIS_REST_TOKEN ?? "" });
      // timeout 0: never let a request through because Redis was slow (fail closed below).
      const rl = new Ratelimit({ redis: client, limiter: Ratelimit.slidingWindow(max, "60 s"), prefix, timeout: 0, ephemeralCache: false, analytics: false });
      limiter = { limit: (identifier: string, rate: number) => rl.limit(identifier, { rate }) };
    } else {
      limiter = new InProcessSlidingWindow(max);
    }
    cache.set(id, limiter);
  }
  return limiter;
}

export type RateCheck = { kind: "rpm" | "tpm"; scope: "key" | "user"; id: string; max: number; cost: number };

/**
 * Applies each requests/tokens-per-minute limit. Throws 429 with Retry-After when one is used up,
 * and 503 when the limiter's store cannot be reached — unless the documented rateLimitFailOpen
 * setting (or RATE_LIMIT_FAIL_OPEN) allows rate limits, never money limits, to fail open.
 * The checks run at once (one round trip to Redis, not one per level); a request refused by one
 * level still counts in the others' windows, as any attempt does.
 */
export async function enforceRateLimits(checks: RateCheck[]): Promise<Record<string, string>> {
  if (checks.length === 0) return {};
  const outcomes = await Promise.all(
    checks.map((c) =>
      limiterFor(c.kind, c.max)
        .limit(`${c.scope}:${c.id}`, Math.max(1, c.cost))
        .then(
          (res) => ({ ok: true as const, res }),
          (err: unknown) => ({ ok: false as const, err }),
        ),
    ),
  );
  const headers: Record<string, string> = {};
  for (const [i, c] of checks.entries()) {
    const outcome = outcomes[i];
    if (!outcome.ok) {
      const failOpen = config().RATE_LIMIT_FAIL_OPEN || (await getSettingsCached().catch(() => null))?.rateLimitFailOpen;
      logger.warn({ err: outcome.err instanceof Error ? outcome.err.message : String(outcome.err), failOpen }, "rate limiter unavailable");
      if (failOpen) continue;
      throw new AppError("unavailable", "Rate limiting is temporarily unavailable; please retry shortly", { headers: { "retry-after": "2" } });
    }
    const res = outcome.res;
    const unit = c.kind === "rpm" ? "requests" : "tokens";
    headers[`x-ratelimit-limit-${unit}`] = String(res.limit);
    headers[`x-ratelimit-remaining-${unit}`] = String(res.remaining);
    headers[`x-ratelimit-reset-${unit}`] = `${Math.max(0, Math.ceil((res.reset - Date.now()) / 1000))}s`;
    if (!res.success) {
      const retryAfter = String(Math.max(1, Math.ceil((res.reset - Date.now()) / 1000)));
      throw new AppError("rate_limited", `Rate limit of your ${c.scope === "key" ? "API key" : "account"} reached: ${c.max} ${unit} per minute`, {
        headers: { ...headers, "retry-after": retryAfter },
        details: { limit: c.kind, level: c.scope },
      });
    }
  }
  return headers;
}
