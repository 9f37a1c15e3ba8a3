import "server-only";
import { createHash } from "node:crypto";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { getRedis } from "@/lib/redis/client";

// Where the sign-in throttle keeps its failure counters: in Redis when REDIS_URL is set, so every
// instance counts the same failures (an attacker gets one allowance, not one per instance), in
// process memory otherwise. A counter fades FORGET_AFTER_MS after its last failure.

export type Counter = { failures: number; lastAt: number };

export const FORGET_AFTER_MS = 15 * 60_000;
const MAX_TRACKED = 100_000;

export type CounterStore = {
  read(keys: string[], now: number): Promise<Array<Counter | undefined>>;
  fail(keys: string[], now: number): Promise<void>;
  clear(keys: string[]): Promise<void>;
};

const memory = new Map<string, Counter>();

const memoryStore: CounterStore = {
  async read(keys, now) {
    return keys.map((key) => {
      const c = memory.get(key);
      if (c && now - c.lastAt >= FORGET_AFTER_MS) memory.delete(key);
      return c && now - c.lastAt < FORGET_AFTER_MS ? { ...c } : undefined;
    });
  },
  async fail(keys, now) {
    if (memory.size > MAX_TRACKED) forgetOld(now);
    for (const key of keys) {
      const c = memory.get(key);
      memory.set(
        key,
        c && now - c.lastAt < FORGET_AFTER_MS
          ? { failures: c.failures + 1, lastAt: now }
          : { failures: 1, lastAt: now },
      );
    }
  },
  async clear(keys) {
    for (const key of keys) memory.delete(key);
  },
};

function forgetOld(now: number): void {
  for (const [key, c] of memory) if (now - c.lastAt >= FORGET_AFTER_MS) memory.delete(key);
  // Still too many: a flood from countless addresses. Dropping the oldest beats growing without bound.
  if (memory.size > MAX_TRACKED)
    for (const key of [...memory.keys()].slice(0, memory.size - MAX_TRACKED / 2)) memory.delete(key);
}

// Redis: one hash per counter ({f: failures, t: last failure}), expiring FORGET_AFTER_MS after the last failure.
// Keys carry a hash of the email and address, not the values themselves.
const redisKey = (key: string) =>
  `${config().REDIS_KEY_PREFIX}login:${createHash("sha256").update(key).digest("base64url").slice(0, 32)}`;

const CONNECT_WAIT_MS = 2_000;

/** The connection, once it takes commands (it has no offline queue: a command while connecting is refused). */
async function readyRedis() {
  const redis = getRedis()!;
  if (redis.status === "ready") return redis;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    new Promise((resolve) => redis.once("ready", resolve)),
    new Promise(
      (_, reject) =>
        (timer = setTimeout(
          () => reject(new Error(`Redis not connected within ${CONNECT_WAIT_MS} ms`)),
          CONNECT_WAIT_MS,
        )),
    ),
  ]).finally(() => clearTimeout(timer));
  return redis;
}

const redisStore: CounterStore = {
  async read(keys) {
    const redis = await readyRedis();
    const rows = await Promise.all(keys.map((key) => redis.hmget(redisKey(key), "f", "t")));
    return rows.map(([f, t]) => (f && t ? { failures: Number(f), lastAt: Number(t) } : undefined));
  },
  async fail(keys, now) {
    const multi = (await readyRedis()).multi();
    for (const key of keys)
      multi
        .hincrby(redisKey(key), "f", 1)
        .hset(redisKey(key), "t", String(now))
        .pexpire(redisKey(key), FORGET_AFTER_MS);
    const results = await multi.exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw failed?.[0] ?? new Error("transaction aborted");
  },
  async clear(keys) {
    await (await readyRedis()).del(...keys.map(redisKey));
  },
};

/** The store for this configuration; a Redis failure is a 503 (sign-in fails closed, it is never let through unthrottled). */
export function counterStore(): CounterStore {
  if (!config().REDIS_URL) return memoryStore;
  const unavailable = (err: unknown): never => {
    throw new AppError(
      "unavailable",
      `Sign-in is temporarily unavailable (${err instanceof Error ? err.message : "Redis error"}); please retry shortly`,
      { headers: { "retry-after": "2" } },
    );
  };
  return {
    read: (keys, now) => redisStore.read(keys, now).catch(unavailable),
    fail: (keys, now) => redisStore.fail(keys, now).catch(unavailable),
    clear: (keys) => redisStore.clear(keys).catch(unavailable),
  };
}
