import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";

/** The columns that hold a whole prompt, reply or conversation: large values, written with every request. */
export const LARGE_COLUMNS = {
  Request: ["prompt", "reply"],
  StoredResponse: ["messages", "inputItems", "response"],
} as const;

/** How large values are stored: compressed with lz4, uncompressed, or PostgreSQL's default pglz. */
export type LargeValueStorage = "lz4" | "uncompressed" | "pglz";

/**
 * Keeps large values away from PostgreSQL's default compression, pglz, which is slow: storing the
 * benchmark's 1 MB prompt as jsonb took 9–10 ms of the database's CPU with pglz, 7 ms with lz4 (the
 * rest was the jsonb parse: Request.prompt is json since), on the machine that runs the gateway too;
 * for less repetitive text pglz alone took ~25 ms per MB. Where PostgreSQL has lz4 (14 and later,
 * when built with it), these columns use it. Without lz4, the embedded database stores them
 * uncompressed: PGlite runs on the server's own thread, where pglz held the event loop ~25 ms per
 * 1 MB prompt. A PostgreSQL server without lz4 keeps pglz (disk over CPU, in its own process).
 *
 * Only values written from then on change; nothing is rewritten. lib/startup.ts runs it after the
 * migrations, under their lock — not as a migration: Prisma's PostgreSQL adapter splits a migration
 * at every `;`, so one cannot hold the PL/pgSQL block that would try lz4 and fall back. It changes a
 * column only when it has to, so each start after the first costs one catalog query.
 */
export async function storeLargeValues(adapter: SqlMigrationAwareDriverAdapterFactory): Promise<LargeValueStorage> {
  const conn = await adapter.connect();
  try {
    const rows = async (sql: string) => (await conn.queryRaw({ sql, args: [], argTypes: [] })).rows;
    const [[embedded, lz4]] = await rows(
      `SELECT version() LIKE '%emscripten%', EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals))`,
    );
    const storage: LargeValueStorage = lz4 ? "lz4" : embedded ? "uncompressed" : "pglz";
    if (storage === "pglz") return storage;
    const columns = await rows(
      `SELECT c.relname::text, a.attname::text, a.attcompression::text, a.attstorage::text
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       WHERE a.attrelid IN (${Object.keys(LARGE_COLUMNS)
         .map((table) => `'"${table}"'::regclass`)
         .join(", ")}) AND NOT a.attisdropped`,
    );
    for (const [table, names] of Object.entries(LARGE_COLUMNS)) {
      const pending = names.filter((name) => {
        const column = columns.find(([t, n]) => t === table && n === name);
        if (!column) throw new Error(`storeLargeValues: no column "${table}"."${name}"`);
        return storage === "lz4" ? column[2] !== "l" : column[3] !== "e";
      });
      if (!pending.length) continue;
      const change = storage === "lz4" ? "SET COMPRESSION lz4" : "SET STORAGE EXTERNAL";
      await conn.executeRaw({
        sql: `ALTER TABLE "${table}" ${pending.map((name) => `ALTER COLUMN "${name}" ${change}`).join(", ")}`,
        args: [],
        argTypes: [],
      });
    }
    return storage;
  } finally {
    await conn.dispose();
  }
}
