import "server-only";
import { startRecovery } from "@/lib/billing/recovery";
import { ConfigError, config } from "@/lib/config";
import { getDb, getDbAdapter } from "@/lib/db/client";
import { storeLargeValues } from "@/lib/db/large-columns";
import { applyMigrations } from "@/lib/db/migrate";
import { logger } from "@/lib/logging/logger";
import { startMetricsRecorder } from "@/lib/metrics/history";
import { startPaymentJobs } from "@/lib/payments/scheduler";
import { loadCatalogAfterDiscovery } from "@/lib/providers/catalog";
import { syncEnvProviders } from "@/lib/providers/env";
import { applyEnvSettingDefaults } from "@/lib/settings/env-defaults";
import { installShutdownHandlers } from "@/lib/shutdown";
import { ensureBootstrapAdmin } from "@/lib/users/accounts";

export class StartupError extends Error {}

/**
 * Migrates the database while holding a PostgreSQL advisory lock, so only one instance migrates; then
 * sets how large values are stored (lib/db/large-columns.ts).
 */
export async function migrateDatabase(): Promise<string[]> {
  const cfg = config();
  const adapter = await getDbAdapter();
  const migrate = async () => {
    const applied = await applyMigrations(adapter);
    // Only a setting for speed: a database user that may not alter the tables (migrated by
    // another role) still starts, with a warning.
    await storeLargeValues(adapter).catch((err: Error) =>
      logger.warn(
        { err: err.message },
        "could not set how large prompts and replies are stored (lz4, or uncompressed on the embedded database)",
      ),
    );
    return applied;
  };
  if (!cfg.DATABASE_URL) return migrate();
  const { Client } = await import("pg");
  const lock = new Client({ connectionString: cfg.DATABASE_URL, connectionTimeoutMillis: 5_000 });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock(727073690)");
    return await migrate();
  } finally {
    await lock.query("SELECT pg_advisory_unlock(727073690)").catch(() => {});
    await lock.end().catch(() => {});
  }
}

/** Everything that must hold before the first request: valid config, a reachable migrated database, an admin. */
export async function startTollgate(): Promise<void> {
  const cfg = config();
  try {
    const db = await getDb();
    await db.$queryRaw`SELECT 1`;
  } catch (err) {
    const where = cfg.DATABASE_URL
      ? redactUrl(cfg.DATABASE_URL)
      : `the embedded database in ${cfg.PGLITE_DIR ?? cfg.dataDir}`;
    throw new StartupError(`Cannot reach ${where}: ${firstLine(err)}`);
  }
  const applied = await migrateDatabase();
  if (applied.length) logger.info({ applied }, "applied database migrations");
  await ensureBootstrapAdmin();
  const seeded = await applyEnvSettingDefaults();
  if (seeded.length) logger.info({ settings: seeded }, "set admin settings from the environment (they were never set)");
  await startRecovery({ soleInstance: cfg.embedded });
  await syncEnvProviders();
  // Tests run the payment jobs themselves, at the moment they choose.
  if (cfg.NODE_ENV !== "test") startPaymentJobs();
  // The overview chart opens on the last minutes; tests record samples themselves.
  if (cfg.NODE_ENV !== "test") void startMetricsRecorder();
  if ((await loadCatalogAfterDiscovery()).length === 0) {
    logger.warn("no model is available: configure a provider in the environment or in the admin dashboard");
  }
}

export function describeStartupFailure(err: unknown): string {
  if (err instanceof ConfigError || err instanceof StartupError) return err.message;
  return `Tollgate failed to start: ${firstLine(err)}`;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (
    text
      .split("\n")
      .find((l) => l.trim())
      ?.trim() ?? "unknown error"
  );
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return `PostgreSQL at ${u.host}${u.pathname}`;
  } catch {
    return "PostgreSQL";
  }
}

/** For the server process: a failure prints one line and exits non-zero instead of serving a broken app. */
export async function startTollgateOrExit(): Promise<void> {
  try {
    await startTollgate();
    installShutdownHandlers();
  } catch (err) {
    console.error(describeStartupFailure(err));
    process.exit(1);
  }
}
