import "server-only";
import { now, startOfUtcDay } from "@/lib/clock";
import { getDb } from "@/lib/db/client";

// Counts the admin overview shows: requests today and in total, users active in the last 15 minutes.

const ACTIVE_WINDOW_MS = 15 * 60_000;

export async function requestActivity() {
  const db = await getDb();
  const at = now();
  const [requestsToday, requestsTotal, active] = await Promise.all([
    db.request.count({ where: { createdAt: { gte: startOfUtcDay(at) } } }),
    db.request.count(),
    db.$queryRaw<
      Array<{ n: unknown }>
    >`SELECT COUNT(DISTINCT "userId") AS "n" FROM "Request" WHERE "createdAt" >= ${new Date(at.getTime() - ACTIVE_WINDOW_MS)}`,
  ]);
  return { requestsToday, requestsTotal, activeUsers: Number(active[0]?.n ?? 0) };
}
