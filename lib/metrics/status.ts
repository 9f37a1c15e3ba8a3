import "server-only";
import { now, startOfUtcDay } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { checkDatabase, version } from "@/lib/health";
import { getRedis } from "@/lib/redis/client";

// The admin status panel: version, uptime, database and Redis state, sessions and today's requests.

async function redisState(): Promise<"disabled" | "ok" | "down"> {
  const redis = getRedis();
  if (!redis) return "disabled";
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 1_000).unref()),
    ]);
    return "ok";
  } catch {
    return "down";
  }
}

async function counts() {
  try {
    const db = await getDb();
    const [sessions, requestsToday] = await Promise.all([
      db.chatSession.count(),
      db.request.count({ where: { createdAt: { gte: startOfUtcDay(now()) } } }),
    ]);
    return { sessions, requestsToday };
  } catch {
    return { sessions: null, requestsToday: null };
  }
}

export async function serverStatus() {
  const [databaseOk, redis] = await Promise.all([checkDatabase(), redisState()]);
  const uptimeSeconds = Math.round(process.uptime());
  return {
    version,
    uptimeSeconds,
    startedAt: new Date(Date.now() - uptimeSeconds * 1000).toISOString(),
    node: process.version,
    database: databaseOk ? ("ok" as const) : ("down" as const),
    redis,
    ...(databaseOk ? await counts() : { sessions: null, requestsToday: null }),
  };
}
