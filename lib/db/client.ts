import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { config } from "@/lib/config";
import { isEnvFlagSet } from "@/lib/config/flags";
import { embeddedSource } from "@/lib/db/embedded-source";
import { type Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logging/logger";

// SQL lines are asked for explicitly, so they are written whatever LOG_LEVEL says.
const sqlLogger = logger.child({ component: "sql" }, { level: "info" });

// Secrets are never selected unless a query asks for them by name.
const omit = {
  user: { passwordHash: true },
  apiKey: { hash: true },
  provider: { apiKeyEnc: true, awsAccessKeyIdEnc: true, awsSecretKeyEnc: true },
} as const;

function plainClient(adapter: SqlMigrationAwareDriverAdapterFactory) {
  return new PrismaClient({ adapter, omit });
}

export type Db = ReturnType<typeof plainClient>;

/** PGSQL_DEBUG_MODE: every statement as a debug line. Off, Prisma does not even build the events. */
function createClient(adapter: SqlMigrationAwareDriverAdapterFactory): Db {
  // Read like the logger reads its flags: the test setup makes clients before files set their env.
  if (!isEnvFlagSet(process.env.PGSQL_DEBUG_MODE)) return plainClient(adapter);
  const client = new PrismaClient({ adapter, omit, log: [{ level: "query", emit: "event" }] });
  client.$on("query", (event) => {
    sqlLogger.info({ sql: event.query, params: redactSqlParams(event.params), ms: event.duration }, "sql");
  });
  return client as unknown as Db;
}

/** Strings of 24 characters or more (hashes, keys, tokens, prompts) are cut to their first 4. */
export function redactSqlParams(params: string): unknown[] {
  let values: unknown;
  try {
    values = JSON.parse(params);
  } catch {
    return ["[unparsed]"];
  }
  if (!Array.isArray(values)) return ["[unparsed]"];
  return redactValues(values);
}

function redactValues(values: unknown[]): unknown[] {
  return values.map((v) => (typeof v === "string" && v.length >= 24 ? `${v.slice(0, 4)}…[${v.length} chars]` : v));
}

type PoolStats = { total: number; idle: number; waiting: number };
/** `name`: a statement whose text never changes, kept prepared on each connection (pg only). */
type RawQuery = (text: string, values: unknown[], name?: string) => Promise<{ rows: unknown[] }>;
type RawTransaction = <T>(fn: (query: RawQuery) => Promise<T>) => Promise<T>;
type DbState = {
  client: Db;
  adapter: SqlMigrationAwareDriverAdapterFactory;
  query: RawQuery;
  transaction: RawTransaction;
  close: () => Promise<void>;
  poolStats?: () => PoolStats;
};

const globalForDb = globalThis as unknown as { tollgateDb?: Promise<DbState>; tollgateDbOpened?: DbState };

async function openDatabase(): Promise<DbState> {
  const cfg = config();
  if (cfg.DATABASE_URL) {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const { Pool } = await import("pg");
    // Our own pool (not one the adapter hides) so the metrics can report its state.
    // A burst on one hot key queues on its limit row; waiting for a connection beats a 503.
    const pool = new Pool({
      connectionString: cfg.DATABASE_URL,
      max: cfg.DATABASE_POOL_MAX,
      connectionTimeoutMillis: 15_000,
    });
    // An idle connection that the server drops (a restart, a failover) errors on the pool; unheard,
    // that error would end the process. The pool discards the connection and opens a new one later.
    pool.on("error", (err) => logger.warn({ err: err.message }, "database connection lost"));
    const client = createClient(new PrismaPg(pool));
    return {
      client,
      query: (text, values, name) => pool.query({ text, values, name }),
      transaction: async (fn) => {
        const connection = await pool.connect();
        let broken: Error | undefined;
        // A checked-out connection's errors (the server shutting down mid-transaction) are ours to
        // hear: unheard they would end the process. The statement in flight rejects as well.
        const onError = (err: Error) => (broken = err);
        connection.on("error", onError);
        try {
          // Bounded as Prisma's interactive transactions were: a lock wait or a stuck statement ends
          // in an error the recorder retries, not in a lane that waits forever.
          await connection.query("BEGIN; SET LOCAL statement_timeout = '30s'");
          const result = await fn((text, values) => connection.query(text, values));
          await connection.query("COMMIT");
          return result;
        } catch (err) {
          await connection.query("ROLLBACK").catch((e: Error) => (broken = e));
          throw err;
        } finally {
          connection.off("error", onError);
          connection.release(broken); // a connection that broke or cannot even roll back is discarded
        }
      },
      // Migrations get a factory of their own: the schema engine takes a session-level advisory lock,
      // which must be released on its own connection, and its pool is closed once the engine is done.
      adapter: new PrismaPg({
        connectionString: cfg.DATABASE_URL,
        max: cfg.DATABASE_POOL_MAX,
        connectionTimeoutMillis: 15_000,
      }),
      close: async () => {
        await client.$disconnect();
        await pool.end();
      },
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    };
  }
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const dir = cfg.PGLITE_DIR ?? path.join(cfg.dataDir, "pglite");
  const inMemory = dir.startsWith("memory://");
  const source = inMemory ? embeddedSource() : undefined;
  const pglite = source ? await source() : await openDataDir(dir, inMemory);
  return embedded(pglite, new PrismaPGlite(pglite));
}

async function openDataDir(dir: string, inMemory: boolean): Promise<import("@electric-sql/pglite").PGlite> {
  const { PGlite } = await import("@electric-sql/pglite");
  if (!inMemory) mkdirSync(dir, { recursive: true });
  return PGlite.create(dir);
}

function embedded(
  pglite: import("@electric-sql/pglite").PGlite,
  adapter: SqlMigrationAwareDriverAdapterFactory,
): DbState {
  const client = createClient(adapter);
  return {
    client,
    adapter,
    query: (text, values) => pglite.query(text, values),
    transaction: (fn) => pglite.transaction((tx) => fn((text, values) => tx.query(text, values))),
    close: async () => {
      await client.$disconnect();
      await pglite.close();
    },
  };
}

function state(): Promise<DbState> {
  globalForDb.tollgateDb ??= openDatabase().then((opened) => (globalForDb.tollgateDbOpened = opened));
  return globalForDb.tollgateDb;
}

/** The Prisma client for the configured database (PGlite in ./data by default, PostgreSQL with DATABASE_URL). */
export async function getDb(): Promise<Db> {
  return (await state()).client;
}

/** A statement run on the driver: its rows. */
export type RunSql = <T = Record<string, unknown>>(sql: Prisma.Sql) => Promise<T[]>;

/** Bigints and dates go as text; PGSQL_DEBUG_MODE logs the statement like any other. */
function runner(query: RawQuery, name?: string): RunSql {
  return async <T>(sql: Prisma.Sql) => {
    const converted = sql.values.map((v) =>
      typeof v === "bigint" ? v.toString() : v instanceof Date ? v.toISOString() : v,
    );
    const { text, values, statement } = largeValuesLast(sql.text, converted, name);
    const started = performance.now();
    const { rows } = await query(text, values, statement);
    if (isEnvFlagSet(process.env.PGSQL_DEBUG_MODE)) {
      sqlLogger.info(
        { sql: text, params: redactValues(values), ms: Math.round((performance.now() - started) * 1000) / 1000 },
        "sql",
      );
    }
    return rows as T[];
  };
}

/** A text value at least this long goes after the others in its statement (largeValuesLast). */
export const LARGE_PARAMETER = 64 * 1024;

/**
 * The statement with its large text values (a whole prompt) moved to the end of its parameters, the
 * `$n` in its text renumbered to match. node-postgres writes the parameters into one buffer that
 * grows by half when full: every parameter after a 1 MB one that did not fit copied that megabyte
 * into a new buffer (~1 ms and 1.5 MB of garbage per 1 MB prompt). Last, nothing follows it. A named
 * (prepared) statement keeps one text per name: its name gains the positions moved. Every `$n` in
 * the text is taken for a placeholder, as Prisma.sql writes them: no statement run here has one in
 * a literal.
 */
export function largeValuesLast(
  text: string,
  values: unknown[],
  name?: string,
): { text: string; values: unknown[]; statement?: string } {
  const large: number[] = [];
  values.forEach((v, i) => {
    if (typeof v === "string" && v.length >= LARGE_PARAMETER) large.push(i);
  });
  if (large.length === 0 || (large.length === 1 && large[0] === values.length - 1))
    return { text, values, statement: name };
  const order = [...values.keys()].filter((i) => !large.includes(i)).concat(large);
  const position = new Array<number>(values.length);
  order.forEach((from, to) => (position[from] = to + 1));
  return {
    text: text.replace(/\$(\d+)\b/g, (whole, n: string) => {
      const to = position[Number(n) - 1];
      return to === undefined ? whole : `$${to}`;
    }),
    values: order.map((i) => values[i]),
    statement: name === undefined ? undefined : `${name}:${large.join(",")}`,
  };
}

/**
 * One statement straight on the driver, without Prisma's query pipeline (which costs more CPU than
 * the statement itself): for the gateway's per-request reservation. On PGlite it waits for any
 * open transaction, as Prisma's own queries do. `prepared`: a name for a statement whose text is
 * always the same, so PostgreSQL parses and plans it once per connection instead of every time.
 */
export async function queryRows<T>(sql: Prisma.Sql, options: { prepared?: string } = {}): Promise<T[]> {
  return runner((await state()).query, options.prepared)<T>(sql);
}

/**
 * A transaction straight on the driver, for the settlement of finished requests (their hot path
 * through Prisma's interactive transactions was the largest item in the gateway's CPU profile).
 * Commits when `fn` resolves, rolls back when it throws. Errors are the driver's: see
 * isDriverRecordError in lib/db/errors.ts.
 */
export async function transactionRows<T>(fn: (run: RunSql) => Promise<T>): Promise<T> {
  return (await state()).transaction((query) => fn(runner(query)));
}

export async function getDbAdapter(): Promise<SqlMigrationAwareDriverAdapterFactory> {
  return (await state()).adapter;
}

/** The PostgreSQL connection pool's state, or null on the embedded database (or before the first query). */
export function dbPoolStats(): PoolStats | null {
  return globalForDb.tollgateDbOpened?.poolStats?.() ?? null;
}

export async function closeDb(): Promise<void> {
  const current = globalForDb.tollgateDb;
  globalForDb.tollgateDb = undefined;
  globalForDb.tollgateDbOpened = undefined;
  if (current) await (await current).close();
}
