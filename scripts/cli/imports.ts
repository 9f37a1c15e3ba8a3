// `tollgate keys import` and `tollgate users import`: the CSV goes through the same lib/ function as
// POST /api/admin/api-key/import and /api/admin/user/import (same checks, one transaction, audit).
import { readFileSync } from "node:fs";
import { AppError } from "@/lib/errors";
import { importApiKeys } from "@/lib/keys/import";
import { importUsers } from "@/lib/users/import";
import { assertMigratedOrThrow, assertNoEmbeddedServerOrThrow } from "./guards";

type Values = Record<string, string | boolean | undefined>;
const CLI_ACTOR = { userId: null, email: "cli" };
const shown = (v: unknown) => (v === null || v === "" ? "(none)" : String(v));

function csvFrom(file: string | undefined): string {
  if (!file) throw new AppError("validation_error", "give the CSV file: tollgate keys import file.csv");
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new AppError(
      "validation_error",
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
}

/** Prints every bad row of a refused file, then lets the caller print the summary error. */
async function reportingRows<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const rows =
      err instanceof AppError
        ? (err.options.details?.rows as Array<{ row: number; message: string }> | undefined)
        : undefined;
    for (const r of rows ?? []) console.error(`  row ${r.row}: ${r.message}`);
    throw err;
  }
}

export async function importKeysFromCsv(values: Values, file: string | undefined): Promise<number> {
  const csv = csvFrom(file);
  await assertNoEmbeddedServerOrThrow();
  await assertMigratedOrThrow();
  const dryRun = values["dry-run"] === true;
  const result = await reportingRows(() => importApiKeys({ csv, dryRun, actor: CLI_ACTOR }));
  for (const r of result.rows) {
    const money = [r.balance && `balance ${r.balance}`, r.month_quota && `quota ${r.month_quota}`]
      .filter(Boolean)
      .join(", ");
    console.log(
      `row ${r.row}: ${r.action === "create" ? "import" : "already imported"} ${r.prefix}… for ${r.email}${r.created_user ? " (new user)" : ""}${money && r.action === "create" ? `, ${money}` : ""}`,
    );
  }
  const verb = dryRun ? "Would import" : "Imported";
  console.log(
    `${verb} ${result.created} key(s), ${result.unchanged} already present, ${result.users_created} new user(s)${dryRun ? " (dry run: nothing written)" : ""}`,
  );
  return 0;
}

export async function importUsersFromCsv(values: Values, file: string | undefined): Promise<number> {
  const csv = csvFrom(file);
  await assertNoEmbeddedServerOrThrow();
  await assertMigratedOrThrow();
  const dryRun = values["dry-run"] === true;
  const result = await reportingRows(() => importUsers({ csv, dryRun, actor: CLI_ACTOR }));
  for (const r of result.rows) {
    const changes = Object.entries(r.changes)
      .filter(([field]) => field !== "email")
      .map(([field, c]) => (r.action === "create" ? `${field}=${c.to}` : `${field} ${shown(c.from)} → ${shown(c.to)}`))
      .join(", ");
    console.log(`row ${r.row}: ${r.action} ${r.email}${changes ? `: ${changes}` : ""}${r.note ? ` (${r.note})` : ""}`);
  }
  if (result.groups_created.length)
    console.log(`${dryRun ? "Would create" : "Created"} group(s): ${result.groups_created.join(", ")}`);
  const verb = dryRun ? "Would create" : "Created";
  console.log(
    `${verb} ${result.created}, ${dryRun ? "would update" : "updated"} ${result.updated}, unchanged ${result.unchanged}${dryRun ? " (dry run: nothing written)" : ""}`,
  );
  return 0;
}
