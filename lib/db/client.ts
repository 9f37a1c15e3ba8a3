import "server-only";
import path from "node:path";
import { mkdirSync } from "node:fs";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { config } from "@/lib/config";

// Secrets are never selected unless a query asks for them by name.
const omit = {
  user: { passwordHash: true },
  apiKey: { hash: true },
  provider: { apiKeyEnc: true, awsAccessKeyIdEnc: true, awsSecretKeyEnc: true },
} as const;

function createClient(adapter: SqlMigrationAwareDriverAdapterFactory) {
  return new PrismaClient({ adapter, omit });
}

export type Db = ReturnType<typeof createClient>;

type DbState = { client: Db; adapter: SqlMigrationAwareDriverAdapterFactory; close: () => Promise<void> };

const globalForDb = globalThis as unknown as { tollgateDb?: Promise<DbState> };

async function openDatabase(): Promise<DbState> {
  const cfg = config();
  if (cfg.DATABASE_URL) {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const adapter = new PrismaPg({ connectionString: cfg.DATABASE_URL, max: 20, connectionTimeoutMillis: 5_000 });
    const client = createClient(adapter);
    return { client, adapter, close: () => client.$disconnect() };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const dir = cfg.PGLITE_DIR ?? path.join(cfg.dataDir, "pglite");
  if (!dir.startsWith("memory://")) mkdirSync(dir, { recursive: true });
  const pglite = await PGlite.create(dir);
  const adapter = new PrismaPGlite(pglite);
  const client = createClient(adapter);
  return {
    client,
    adapter,
    close: async () => {
      await client.$disconnect();
      await pglite.close();
    },
  };
}

function state(): Promise<DbState> {
  globalForDb.tollgateDb ??= openDatabase();
  return globalForDb.tollgateDb;
}

/** The Prisma client for the configured database (PGlite in ./data by default, PostgreSQL with DATABASE_URL). */
export async function getDb(): Promise<Db> {
  return (await state()).client;
}

export async function getDbAdapter(): Promise<SqlMigrationAwareDriverAdapterFactory> {
  return (await state()).adapter;
}

export async function closeDb(): Promise<void> {
  const current = globalForDb.tollgateDb;
  globalForDb.tollgateDb = undefined;
  if (current) await (await current).close();
}
