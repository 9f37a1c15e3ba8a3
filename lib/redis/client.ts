import "server-only";
import { Redis } from "ioredis";
import { config } from "@/lib/config";
import { logger } from "@/lib/logging/logger";

const globalForRedis = globalThis as unknown as { tollgateRedis?: Redis | null; tollgateRedisSub?: Redis | null };

function connect(name: "main" | "sub"): Redis {
  const redis = new Redis(config().REDIS_URL!, {
    connectionName: `tollgate-${name}`,
    // Fail fast while Redis is down so limits answer 503 instead of hanging; ioredis keeps
    // reconnecting in the background and recovers on its own.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    // Commands issued in the same tick (rate checks of concurrent requests) go out in one write.
    enableAutoPipelining: name === "main",
    // ioredis' own re-subscribe after a reconnect runs before the connection takes commands (no
    // offline queue) and its rejection reaches nobody: the event bus subscribes on every "ready".
    autoResubscribe: false,
  });
  logOutages(redis, name);
  return redis;
}

/**
 * One line when a connection is lost and one when it is back, not one per reconnect attempt
 * (ioredis emits "error" every time it retries, up to every 200 ms).
 */
function logOutages(redis: Redis, connection: string): void {
  let down = false;
  redis.on("error", (err) => {
    if (down) return;
    down = true;
    logger.warn({ err: err.message, connection }, "redis unreachable; reconnecting in the background");
  });
  redis.on("ready", () => {
    if (!down) return;
    down = false;
    logger.info({ connection }, "redis connection restored");
  });
}

/** The shared Redis connection, or null when REDIS_URL is not set. */
export function getRedis(): Redis | null {
  if (globalForRedis.tollgateRedis === undefined) {
    globalForRedis.tollgateRedis = config().REDIS_URL ? connect("main") : null;
  }
  return globalForRedis.tollgateRedis;
}

/** A second connection for SUBSCRIBE (a subscribed connection cannot run other commands). */
export function getRedisSubscriber(): Redis | null {
  if (globalForRedis.tollgateRedisSub === undefined) {
    globalForRedis.tollgateRedisSub = config().REDIS_URL ? connect("sub") : null;
  }
  return globalForRedis.tollgateRedisSub;
}

export async function closeRedis(): Promise<void> {
  for (const key of ["tollgateRedis", "tollgateRedisSub"] as const) {
    const conn = globalForRedis[key];
    globalForRedis[key] = undefined;
    if (conn) conn.disconnect();
  }
}
