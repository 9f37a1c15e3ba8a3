// npm run db:migrate:new -- <name>: writes prisma/migrations/<timestamp>_<name>/migration.sql from
// the difference between the migration history and prisma/schema.prisma. The history is replayed
// on an in-memory PGlite, so no shadow database or native engine is needed.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { diffSchemaAgainstMigrations } from "../lib/db/migrate";
import { migrationsDir } from "../lib/db/schema-engine";

const name = (process.argv[2] ?? "").trim();
if (!/^[a-z0-9_]+$/i.test(name)) {
  console.error("usage: npm run db:migrate:new -- <name>   (letters, digits and _ only)");
  process.exit(2);
}
const sql = await diffSchemaAgainstMigrations(new PrismaPGlite(new PGlite("memory://")));
if (!sql) {
  console.log("The schema matches the migrations: nothing to write.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
const dir = path.join(migrationsDir, `${stamp}_${name}`);
await mkdir(dir, { recursive: true });
await writeFile(path.join(dir, "migration.sql"), sql);
console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
