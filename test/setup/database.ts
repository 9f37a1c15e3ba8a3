// Each test file gets its own database: an in-memory PGlite by default, or — when DATABASE_URL is
// set (CI) — a fresh PostgreSQL database created from it and dropped afterwards. Redis keys get a
// per-file prefix for the same reason.

import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, inject } from "vitest";
import { setEmbeddedSource } from "@/lib/db/embedded-source";

const suffix = randomBytes(4).toString("hex");
process.env.DATA_DIR = mkdtempSync(path.join(tmpdir(), "tollgate-test-"));
process.env.REDIS_KEY_PREFIX = `tollgate-test-${suffix}:`;
process.env.ADMIN_EMAIL ??= "admin@example.test";
process.env.ADMIN_PASSWORD ??= "admin-password-123";
process.env.ADMIN_API_KEY ??= "test-admin-token-0123456789abcdef";

const baseUrl = process.env.DATABASE_URL;
let dropDatabase: (() => Promise<void>) | undefined;

if (baseUrl) {
  const name = `tollgate_test_${suffix}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const template = inject("pgTemplate");
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ""}`);
      break;
    } catch (err) {
      // Two files copying the template at the same instant: PostgreSQL refuses one; try again.
      if (attempt > 20 || !/being accessed by other users/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  dropDatabase = async () => {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
} else {
  process.env.PGLITE_DIR = "memory://";
  const template = inject("pgliteTemplate");
  // Opened on first use, and afresh after closeDb(): a file that never touches the database skips
  // the copy's second of CPU.
  if (template)
    setEmbeddedSource(async () => {
      const { PGlite } = await import("@electric-sql/pglite");
      return PGlite.create({ loadDataDir: new Blob([readFileSync(template)]) });
    });
}

/** Set by lib/db/client.ts and lib/redis/client.ts once the file has used them. */
const opened = globalThis as unknown as { tollgateDb?: unknown; tollgateRedis?: unknown; tollgateRedisSub?: unknown };

afterAll(async () => {
  // A file that used neither has nothing to settle or close (and loads none of the app to find out).
  if (opened.tollgateDb || opened.tollgateRedis || opened.tollgateRedisSub) {
    // Records still being settled hold a connection in a transaction: let them finish (bounded) so
    // dropping the database does not cut a connection in use.
    const { flushRecords } = await import("@/lib/billing/recorder");
    await Promise.race([flushRecords(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    const { closeDb } = await import("@/lib/db/client");
    const { closeRedis } = await import("@/lib/redis/client");
    await closeDb();
    await closeRedis();
  }
  await dropDatabase?.();
});
