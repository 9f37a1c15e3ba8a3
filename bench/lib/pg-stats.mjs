// What PostgreSQL can tell about the server under test: how often it read the API keys (to show
// that a cached key costs no query) and how much CPU its database backends used.
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { cpuMs } from "./proc.mjs";

// Without pg_stat_statements, table statistics are the fallback. Backends publish them at most
// once a second while busy and within 10 s once idle (PostgreSQL 15+), so a reading waits that long.
const TABLE_STATS_SETTLE_MS = 11_000;

/**
 * Counts reads of "ApiKey" by the server. With pg_stat_statements (needs shared_preload_libraries):
 * calls of statements selecting from it. Otherwise: sequential scans plus index scans on its
 * indexes other than the primary key — the primary-key scans are the foreign-key checks of
 * every "Request" insert, not authentication.
 */
export async function apiKeyReadCounter(databaseUrl) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  let method = "table-stats";
  try {
    await db.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    await db.query("SELECT 1 FROM pg_stat_statements LIMIT 1");
    method = "pg_stat_statements";
  } catch {
    // not preloaded: fall back to table statistics
  }
  const read = async () => {
    if (method === "pg_stat_statements") {
      const { rows } = await db.query(
        `SELECT coalesce(sum(calls), 0)::bigint AS n FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND query ~* 'FROM\\s+("public"\\.)?"ApiKey"'`,
      );
      return { reads: Number(rows[0].n), fkChecks: null };
    }
    await db.query("SELECT pg_stat_clear_snapshot()");
    const table = await db.query(
      `SELECT coalesce(seq_scan, 0) AS seq FROM pg_stat_user_tables WHERE relname = 'ApiKey'`,
    );
    const idx = await db.query(
      `SELECT indexrelname AS name, idx_scan AS n FROM pg_stat_user_indexes WHERE relname = 'ApiKey'`,
    );
    let reads = Number(table.rows[0]?.seq ?? 0);
    let fkChecks = 0;
    for (const r of idx.rows) {
      if (r.name === "ApiKey_pkey") fkChecks += Number(r.n);
      else reads += Number(r.n);
    }
    return { reads, fkChecks };
  };
  return {
    method,
    /** Current counts; `settle` waits until idle backends have published their table statistics. */
    async read({ settle = false } = {}) {
      if (settle && method === "table-stats") await sleep(TABLE_STATS_SETTLE_MS);
      return read();
    },
    close: () => db.end(),
  };
}

/** CPU used by the PostgreSQL backends connected to one database (PIDs from pg_stat_activity, CPU from /proc). */
export async function pgBackendCpu(databaseUrl, databaseName) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const snapshot = async () => {
    const { rows } = await db.query("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [
      databaseName,
    ]);
    const cpu = new Map();
    for (const { pid } of rows) {
      const ms = cpuMs(pid);
      if (ms !== null) cpu.set(pid, ms);
    }
    return cpu;
  };
  return {
    snapshot,
    /** CPU ms used between two snapshots (a backend that appeared in between counts from zero). */
    delta(before, after) {
      let total = 0;
      for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
      return total;
    },
    close: () => db.end(),
  };
}
