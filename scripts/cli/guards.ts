// Checks the CLI makes before it touches data.
import path from "node:path";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { readMigrationList } from "@/lib/db/schema-engine";
import { AppError } from "@/lib/errors";

/** Migrations in prisma/migrations that the database has not applied (all of them on a new database). */
export async function pendingMigrations(): Promise<string[]> {
  const wanted = (await readMigrationList()).migrationDirectories.map((d) => d.path);
  const db = await getDb();
  const [{ present }] = await db.$queryRaw<
    Array<{ present: boolean }>
  >`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`;
  if (!present) return wanted;
  const rows = await db.$queryRaw<Array<{ migration_name: string }>>`
    SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  const applied = new Set(rows.map((r) => r.migration_name));
  return wanted.filter((name) => !applied.has(name));
}

export async function assertMigratedOrThrow(): Promise<void> {
  const pending = await pendingMigrations();
  if (pending.length)
    throw new AppError(
      "unavailable",
      `The database is missing ${pending.length} migration(s): run \`tollgate db migrate\` (the server also migrates when it starts)`,
    );
}

/**
 * The embedded database (PGlite) must be opened by one process only. If a Tollgate server answers
 * on PORT while the CLI is about to open the embedded database, stop rather than risk its files.
 */
export async function assertNoEmbeddedServerOrThrow(): Promise<void> {
  const cfg = config();
  if (!cfg.embedded) return;
  const url = `http://127.0.0.1:${cfg.PORT}/api/health`;
  const answer = await fetch(url, { signal: AbortSignal.timeout(1_000) })
    .then((res) => res.json() as Promise<Record<string, unknown>>)
    .catch(() => null);
  if (answer && "db" in answer && "version" in answer) {
    const dir = cfg.PGLITE_DIR ?? path.join(cfg.dataDir, "pglite");
    throw new AppError(
      "conflict",
      `A Tollgate server answers at ${url}, and the embedded database in ${dir} can be opened by one process only: stop the server first (or use PostgreSQL)`,
    );
  }
}
