import "server-only";
import { createHash } from "node:crypto";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis as UpstashRedis } from "@upstash/redis";
import type { Redis as IORedis } from "ioredis";
import { now } from "@/lib/clock";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logging/logger";
import { getRedis } from "@/lib/redis/client";
import { getSettingsCached } from "@/lib/settings";

// Requests and tokens per minute, as sliding windows: on Redis (ioredis) when REDIS_URL is set — every
// level of a request in one script call — with @upstash/ratelimit over Upstash REST when UPSTASH_* is
// set, in-process otherwise. Shared across instances with Redis.

type Decision = { success: boolean; limit: number; remaining: number; reset: number };

type Limiter = { limit(identifier: string, rate: number): Promise<Decision> };

class InProcessSlidingWindow implements Limiter {
  private windows = new Map<string, { start: number; prev: number; curr: number }>();
  constructor(
    private readonly max: number,
    private readonly windowMs = 60_000,
  ) {}
  async limit(identifier: string, rate: number) {
    const t = now().getTime();
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
    return {
      success,
      limit: this.max,
      remaining: Math.max(0, this.max - used - (success ? rate : 0)),
      reset: start + this.windowMs,
    };
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
      const rl = new Ratelimit({
        redis: client,
        limiter: Ratelimit.slidingWindow(max, "60 s"),
        prefix,
        timeout: 0,
        ephemeralCache: false,
        analytics: false,
      });
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
// Rate-limit leases: a check may ask for a block of `lease` units instead of its own `rate`. It gets
// them only while the window has room for four such blocks; the units are counted at once, so what
// an instance admits from them is already in the window every instance reads. Units an instance
// gives back (a lease of the previous window, or one for a limit since changed) come off first.
// Returns, per check, the units remaining (-1 when refused) and the units taken.
const SLIDING_WINDOWS = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local result = {}
for i = 1, #KEYS / 2 do
  local current, previous = KEYS[2 * i - 1], KEYS[2 * i]
  local limit, rate, lease = tonumber(ARGV[5 * i - 2]), tonumber(ARGV[5 * i - 1]), tonumber(ARGV[5 * i])
  local backCurrent, backPrevious = tonumber(ARGV[5 * i + 1]), tonumber(ARGV[5 * i + 2])
  local inCurrent = tonumber(redis.call("GET", current) or "0")
  local inPrevious = tonumber(redis.call("GET", previous) or "0")
  if backCurrent > 0 and inCurrent > 0 then
    local back = math.min(inCurrent, backCurrent)
    inCurrent = redis.call("DECRBY", current, back)
  end
  if backPrevious > 0 and inPrevious > 0 then
    local back = math.min(inPrevious, backPrevious)
    inPrevious = redis.call("DECRBY", previous, back)
  end
  inPrevious = math.floor((1 - (now % window) / window) * inPrevious)
  if inPrevious + inCurrent >= limit then
    result[2 * i - 1], result[2 * i] = -1, 0
  else
    local take = rate
    if lease > rate and limit - (inPrevious + inCurrent) >= 4 * lease then take = lease end
    local value = redis.call("INCRBY", current, take)
    if value == take then redis.call("PEXPIRE", current, window * 2 + 1000) end
    result[2 * i - 1], result[2 * i] = limit - (value + inPrevious), take
  end
end
return result`;

const SLIDING_WINDOWS_SHA = createHash("sha1").update(SLIDING_WINDOWS).digest("hex");

/** Units of one window taken by this instance and not used yet; `remaining` is the window's room left after they were taken. */
type WindowLease = { window: number; max: number; units: number; remaining: number };

const globalForLeases = globalThis as unknown as { tollgateRateLeases?: Map<string, WindowLease> };
const rateLeases = (globalForLeases.tollgateRateLeases ??= new Map());

/** A lease is a 32nd of the limit, and only worth taking when it admits at least four requests. */
function leaseSize(max: number, cost: number): number {
  const units = Math.floor(max / 32);
  return units >= 4 * cost ? units : 0;
}

/**
 * Every check of a request: from this instance's lease of the window when it holds enough units
 * (no round trip), otherwise in one EVALSHA for the checks left, which may take a new lease. The
 * script itself is sent once Redis answers NOSCRIPT (first use, or after a restart). (Not ioredis's
 * defineCommand: its fallback breaks with auto-pipelining.) Leases are used only while the
 * connection is up: when it is not, they are dropped and the checks go to Redis, which fails
 * closed; units of a dropped lease stay counted until their window expires.
 */
async function redisWindows(redis: IORedis, checks: RateCheck[]): Promise<Decision[]> {
  const at = now().getTime();
  const currentWindow = Math.floor(at / WINDOW_MS);
  const reset = (currentWindow + 1) * WINDOW_MS;
  if (redis.status !== "ready") rateLeases.clear();
  const prefix = config().REDIS_KEY_PREFIX;
  const decisions: Decision[] = new Array(checks.length);
  const keys: string[] = [];
  const args: number[] = [at, WINDOW_MS];
  const asked: Array<{ index: number; identifier: string; cost: number }> = [];
  for (const [index, c] of checks.entries()) {
    const identifier = `${prefix}rl:${c.kind}:${c.scope}:${c.id}`;
    const cost = Math.max(1, c.cost);
    let lease = rateLeases.get(identifier);
    let backCurrent = 0;
    let backPrevious = 0;
    if (lease && (lease.window !== currentWindow || lease.max !== c.max)) {
      if (lease.window === currentWindow) backCurrent = lease.units;
      else if (lease.window === currentWindow - 1) backPrevious = lease.units;
      rateLeases.delete(identifier);
      lease = undefined;
    }
    if (lease && lease.units >= cost) {
      lease.units -= cost;
      decisions[index] = { success: true, limit: c.max, remaining: lease.remaining + lease.units, reset };
      continue;
    }
    keys.push(`${identifier}:${currentWindow}`, `${identifier}:${currentWindow - 1}`);
    args.push(c.max, cost, leaseSize(c.max, cost), backCurrent, backPrevious);
    asked.push({ index, identifier, cost });
  }
  if (asked.length === 0) return decisions;
  let answer: number[];
  try {
    answer = (await redis.evalsha(SLIDING_WINDOWS_SHA, keys.length, ...keys, ...args).catch((err: unknown) => {
      if (err instanceof Error && err.message.startsWith("NOSCRIPT"))
        return redis.eval(SLIDING_WINDOWS, keys.length, ...keys, ...args);
      throw err;
    })) as number[];
  } catch (err) {
    rateLeases.clear();
    throw err;
  }
  for (const [i, { index, identifier, cost }] of asked.entries()) {
    const [remaining, taken] = [answer[2 * i], answer[2 * i + 1]];
    const c = checks[index];
    let held = rateLeases.get(identifier);
    if (taken > cost) {
      // Joined to a lease of the same window and limit (a concurrent request's); one of an older window
      // is replaced. Against a newer window's lease, or another limit's, the units are left unused.
      if (!held || held.window < currentWindow) {
        held = { window: currentWindow, max: c.max, units: 0, remaining };
        rateLeases.set(identifier, held);
        if (rateLeases.size > 100_000) dropLeasesBefore(currentWindow);
      }
      if (held.window === currentWindow && held.max === c.max) {
        held.units += taken - cost;
        held.remaining = remaining;
      }
    }
    const unused = held && held.window === currentWindow && held.max === c.max ? held.units : 0;
    decisions[index] = {
      success: remaining >= 0,
      limit: c.max,
      remaining: remaining >= 0 ? remaining + unused : 0,
      reset,
    };
  }
  return decisions;
}

/** Bounds the map: leases of past windows have no use left (their units stay counted until the window expires). */
function dropLeasesBefore(window: number): void {
  for (const [identifier, lease] of rateLeases) if (lease.window < window) rateLeases.delete(identifier);
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
      const failOpen =
        config().RATE_LIMIT_FAIL_OPEN || (await getSettingsCached().catch(() => null))?.rateLimitFailOpen;
      logger.warn(
        { err: outcome.err instanceof Error ? outcome.err.message : String(outcome.err), failOpen },
        "rate limiter unavailable",
      );
      if (failOpen) continue;
      throw new AppError("unavailable", "Rate limiting is temporarily unavailable; please retry shortly", {
        headers: { "retry-after": "2" },
      });
    }
    const res = outcome.res;
    const unit = c.kind === "rpm" ? "requests" : "tokens";
    headers[`x-ratelimit-limit-${unit}`] = String(res.limit);
    headers[`x-ratelimit-remaining-${unit}`] = String(res.remaining);
    headers[`x-ratelimit-reset-${unit}`] = `${Math.max(0, Math.ceil((res.reset - now().getTime()) / 1000))}s`;
    if (!res.success) {
      const retryAfter = String(Math.max(1, Math.ceil((res.reset - now().getTime()) / 1000)));
      throw new AppError(
        "rate_limited",
        `Rate limit of your ${c.scope === "key" ? "API key" : "account"} reached: ${c.max} ${unit} per minute`,
        {
          headers: { ...headers, "retry-after": retryAfter },
          details: { limit: c.kind, level: c.scope },
        },
      );
    }
  }
  return headers;
}
