// Runs once before all test files: migrates one template database, so each file starts from a
// copy instead of replaying the migrations (PGlite: a data-dir dump; PostgreSQL: CREATE DATABASE … TEMPLATE).

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { TestProject } from "vitest/node";
import { storeLargeValues } from "../../lib/db/large-columns";
import { applyMigrations } from "../../lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const pglite = await PGlite.create("memory://");
    const adapter = new PrismaPGlite(pglite);
    await applyMigrations(adapter);
    await storeLargeValues(adapter); // as lib/startup.ts's migrateDatabase does
    // Every file loads a copy: without the two template databases (~15 MB of catalogs nothing here
    // reads; no test creates a database in it) a copy costs a third less CPU.
    await pglite.exec(`UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')`);
    for (const statement of ["DROP DATABASE template0", "DROP DATABASE template1", "CHECKPOINT"])
      await pglite.exec(statement);
    const dump = await pglite.dumpDataDir("none");
    const dir = mkdtempSync(path.join(tmpdir(), "tollgate-template-"));
    const file = path.join(dir, "pglite.tar");
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await pglite.close();
    project.provide("pgliteTemplate", file);
    project.provide("pgTemplate", "");
    return () => rmSync(dir, { recursive: true, force: true });
  }
  const name = `tollgate_template_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const adapter = new PrismaPg({ connectionString: url.toString(), max: 2 });
  await applyMigrations(adapter);
  await storeLargeValues(adapter);
  project.provide("pgTemplate", name);
  project.provide("pgliteTemplate", "");
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}
