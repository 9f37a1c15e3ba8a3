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

// Requests and tokens per minute, as sliding windows: on Redis (ioredis) when REDIS_URL is set — every
// level of a request in one script call — with @upstash/ratelimit over Upstash REST when UPSTASH_* is
// set, in-process otherwise. Shared across instances with Redis.

export type RateDecision = { limit: number; remaining: number; reset: number };

type Limiter = { limit(identifier: string, rate: number): Promise<{ success: boolean; limit: number; remaining: number; reset: number }> };

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
    const prefix = `${cfg.REDIS_KEY_PREFIX}rl:${kind}`;
    if (cfg.UPSTASH_REDIS_REST_URL) {
      const client = new UpstashRedis({ url: cfg.UPSTASH_REDIS_REST_URL, token: cfg.UPSTASH_REDIS_REST_TOKEN ?? "" });
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

const WINDOW_MS = 60_000;

// @upstash/ratelimit's single-region sliding window, for every check of a request in one call (one
// round trip and one script run instead of one library call each), on the same keys, so windows
// carry over. Per check: the previous window weighted by what is left of it, plus the current one;
// a request is refused once that reaches the limit, and one that passes it is counted and refused
// (remaining < 0), as the library does.
const SLIDING_WINDOWS = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local result = {}
for i = 1, #KEYS / 2 do
  local current, previous = KEYS[2 * i - 1], KEYS[2 * i]
  local limit, rate = tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i])
  local inCurrent = tonumber(redis.call("GET", current) or "0")
  local inPrevious = math.floor((1 - (now % window) / window) * tonumber(redis.call("GET", previous) or "0"))
  if inPrevious + inCurrent >= limit then
    result[i] = -1
  else
    local value = redis.call("INCRBY", current, rate)
    if value == rate then redis.call("PEXPIRE", current, window * 2 + 1000) end
    result[i] = limit - (value + inPrevious)
  end
end
return result`;

const SLIDING_WINDOWS_SHA = createHash("sha1").update(SLIDING_WINDOWS).digest("hex");

/**
 * Every check in one EVALSHA; the script itself is sent once Redis answers NOSCRIPT (first use, or
 * after a restart). (Not ioredis's defineCommand: its fallback breaks with auto-pipelining.)
 */
async function redisWindows(redis: IORedis, checks: RateCheck[]): Promise<Array<{ success: boolean; limit: number; remaining: number; reset: number }>> {
  const now = Date.now();
  const currentWindow = Math.floor(now / WINDOW_MS);
  const prefix = config().REDIS_KEY_PREFIX;
  const keys: string[] = [];
  const args: number[] = [now, WINDOW_MS];
  for (const c of checks) {
    const identifier = `${prefix}rl:${c.kind}:${c.scope}:${c.id}`;
    keys.push(`${identifier}:${currentWindow}`, `${identifier}:${currentWindow - 1}`);
    args.push(c.max, Math.max(1, c.cost));
  }
  const remaining = (await redis.evalsha(SLIDING_WINDOWS_SHA, keys.length, ...keys, ...args).catch((err: unknown) => {
    if (err instanceof Error && err.message.startsWith("NOSCRIPT")) return redis.eval(SLIDING_WINDOWS, keys.length, ...keys, ...args);
    throw err;
  })) as number[];
  const reset = (currentWindow + 1) * WINDOW_MS;
  return checks.map((c, i) => ({ success: remaining[i] >= 0, limit: c.max, remaining: Math.max(0, remaining[i]), reset }));
}

/**
 * Applies each requests/tokens-per-minute limit. Throws 429 with Retry-After when one is used up,
 * and 503 when the limiter's store cannot be reached — unless the documented rateLimitFailOpen
 * setting (or RATE_LIMIT_FAIL_OPEN) allows rate limits, never money limits, to fail open.
 * The checks run at once (one round trip to Redis, not one per level); a request refused by one
 * level still counts in the others' windows, as any attempt does.
 */
export async function enforceRateLimits(checks: RateCheck[]): Promise<Record<string, string>> {
  if (checks.length === 0) return {};
  const redis = getRedis();
  const outcomes = redis
    ? await redisWindows(redis, checks).then(
        (all) => all.map((res) => ({ ok: true as const, res })),
        (err: unknown) => checks.map(() => ({ ok: false as const, err })),
      )
    : await Promise.all(
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
