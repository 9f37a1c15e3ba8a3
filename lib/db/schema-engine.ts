import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

// Prisma's schema engine as WebAssembly: the native binary cannot be downloaded here, and on
// Node 20 the package's ESM entry imports a .wasm file directly, so the bytes are loaded by hand.
type Engine = import("@prisma/schema-engine-wasm/schema_engine_bg").SchemaEngine;
type MigrationList = import("@prisma/schema-engine-wasm").MigrationList;

const projectRoot = process.env.TOLLGATE_ROOT ?? process.cwd();
export const migrationsDir = path.join(projectRoot, "prisma", "migrations");
export const schemaPath = path.join(projectRoot, "prisma", "schema.prisma");

let glue: Promise<typeof import("@prisma/schema-engine-wasm/schema_engine_bg")> | undefined;

function loadGlue() {
  glue ??= (async () => {
    const mod = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmPath = path.join(projectRoot, "node_modules", "@prisma", "schema-engine-wasm", "schema_engine_bg.wasm");
    const bytes = await readFile(wasmPath);
    const { instance } = await WebAssembly.instantiate(bytes, {
      "./schema_engine_bg.js": mod as unknown as WebAssembly.ModuleImports,
    });
    mod.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return mod;
  })();
  return glue;
}

export async function openSchemaEngine(adapter: SqlMigrationAwareDriverAdapterFactory): Promise<Engine> {
  const { SchemaEngine } = await loadGlue();
  const datamodel = await readFile(schemaPath, "utf8");
  return SchemaEngine.new(
    { datamodels: [[schemaPath, datamodel]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(adapter),
  );
}

export async function readMigrationList(): Promise<MigrationList> {
  const dirs = existsSync(migrationsDir)
    ? (await readdir(migrationsDir, { withFileTypes: true })).filter((d) => d.isDirectory())
    : [];
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  const migrationDirectories = await Promise.all(
    dirs
      .map((d) => d.name)
      .sort()
      .map(async (name) => {
        const file = path.join(migrationsDir, name, "migration.sql");
        const content = existsSync(file)
          ? { tag: "ok" as const, value: await readFile(file, "utf8") }
          : { tag: "error" as const, value: `missing ${file}` };
        return { path: name, migrationFile: { path: "migration.sql", content } };
      }),
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? await readFile(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}
