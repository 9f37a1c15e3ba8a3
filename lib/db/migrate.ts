import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { openSchemaEngine, readMigrationList } from "./schema-engine";

const noFilters = { externalTables: [], externalEnums: [] };

/**
 * Applies pending migrations from prisma/migrations. Prisma records each in `_prisma_migrations`,
 * so a database is migrated once and `prisma migrate deploy` stays compatible. On PostgreSQL the
 * engine takes an advisory lock, so when several instances start together only one migrates.
 */
export async function applyMigrations(adapter: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const engine = await openSchemaEngine(adapter);
  try {
    const result = await engine.applyMigrations({ migrationsList: await readMigrationList(), filters: noFilters });
    return result.appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/** SQL that takes the migration history to the current schema, or "" when they already match. */
export async function diffSchemaAgainstMigrations(adapter: SqlMigrationAwareDriverAdapterFactory): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const { schemaPath } = await import("./schema-engine");
  const engine = await openSchemaEngine(adapter);
  try {
    const result = await engine.diff({
      from: { tag: "migrations", ...(await readMigrationList()) },
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: await readFile(schemaPath, "utf8") }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    const sql = result.stdout ?? "";
    return sql.includes("This is an empty migration") || sql.trim() === "" ? "" : sql;
  } finally {
    engine.free();
  }
}
