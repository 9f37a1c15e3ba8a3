import "server-only";
import { Redis as UpstashRedis } from "@upstash/redis";
import type { z } from "zod";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { checkDatabase, isDraining } from "@/lib/health";
import { logger } from "@/lib/logging/logger";
import { testProviderConnection } from "@/lib/providers/admin";
import { catalogReady } from "@/lib/providers/catalog";
import { getRedis } from "@/lib/redis/client";
import type { readinessDetailSchema } from "@/lib/validations/health";

// Readiness (GET /api/ready): may a load balancer send traffic here? The database must answer,
// Redis too when configured, the model catalog must have loaded once after start-up's discovery
// (before, /v1/models would list too little), and at least one enabled provider must be reachable. Provider checks
// call the upstream, so their result is cached for a few seconds. The status code is public (load
// balancers probe it); the parts (database, Redis, provider counts) are shown to admins and the
// METRICS_TOKEN scraper only (app/api/ready), and which provider failed and why goes to the log.

const PROVIDER_CACHE_MS = 10_000;
const PROVIDER_TIMEOUT_MS = 2_000;
const REDIS_TIMEOUT_MS = 2_000;

export type Readiness = z.infer<typeof readinessDetailSchema>;
type Part = Readiness["failing"][number];
type ProviderCheck = { name: string; ok: boolean; error?: string };

const globalForReady = globalThis as unknown as {
  tollgateProviderChecks?: { at: number; result: Promise<ProviderCheck[]> };
};

export async function checkReadiness(): Promise<Readiness> {
  const [dbOk, redis] = await Promise.all([checkDatabase(), checkRedis()]);
  // A failed provider lookup counts as "no provider reachable", not as an error of the probe.
  const checks = dbOk ? await providerChecksCached().catch(() => []) : [];
  const reachable = checks.filter((c) => c.ok).length;
  const failing: Part[] = [];
  if (!dbOk) failing.push("db");
  if (redis === "unreachable") failing.push("redis");
  if (!catalogReady()) failing.push("catalog");
  if (reachable === 0) failing.push("providers");
  const status = isDraining() ? "draining" : failing.length ? "not_ready" : "ready";
  return {
    status,
    db: dbOk ? "ok" : "unreachable",
    redis,
    catalog: catalogReady() ? "loaded" : "loading",
    providers: { reachable, enabled: checks.length },
    failing,
  };
}

/** Forgets the cached provider checks (tests, and after a provider is changed). */
export function forgetProviderChecks(): void {
  globalForReady.tollgateProviderChecks = undefined;
}

/** Redis (or Upstash) answers a PING; "not_configured" when neither is set. */
export async function checkRedis(): Promise<Readiness["redis"]> {
  const cfg = config();
  try {
    if (cfg.REDIS_URL) {
      const redis = getRedis()!;
      // The connection takes no commands before it is ready (no offline queue): wait for it first.
      if (redis.status !== "ready")
        await withTimeout(new Promise((resolve) => redis.once("ready", resolve)), REDIS_TIMEOUT_MS);
      await withTimeout(redis.ping(), REDIS_TIMEOUT_MS);
      return "ok";
    }
    if (cfg.UPSTASH_REDIS_REST_URL) {
      await withTimeout(
        new UpstashRedis({ url: cfg.UPSTASH_REDIS_REST_URL, token: cfg.UPSTASH_REDIS_REST_TOKEN ?? "" }).ping(),
        REDIS_TIMEOUT_MS,
      );
      return "ok";
    }
    return "not_configured";
  } catch {
    return "unreachable";
  }
}

function providerChecksCached(): Promise<ProviderCheck[]> {
  const cached = globalForReady.tollgateProviderChecks;
  if (cached && Date.now() - cached.at < PROVIDER_CACHE_MS) return cached.result;
  const result = checkProviders();
  globalForReady.tollgateProviderChecks = { at: Date.now(), result };
  // A failed lookup is not worth remembering: the next probe tries again.
  result.catch(() => forgetProviderChecks());
  return result;
}

async function checkProviders(): Promise<ProviderCheck[]> {
  const db = await getDb();
  const providers = await db.provider.findMany({
    where: { enabled: true },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  return Promise.all(
    providers.map(async ({ id, name }) => {
      try {
        const test = await withTimeout(testProviderConnection(id), PROVIDER_TIMEOUT_MS);
        if (!test.ok) throw new Error(test.error ?? "unreachable");
        return { name, ok: true };
      } catch (err) {
        const error = err instanceof Error ? err.message : "unreachable";
        logger.warn({ provider: name, err: error }, "readiness: provider unreachable");
        return { name, ok: false, error };
      }
    }),
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
