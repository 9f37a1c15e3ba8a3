// POST /api/admin/user/import – create or update accounts from rows or CSV (email, name, group, limits); `dry_run` shows what would change.
import { NextResponse } from "next/server";
import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { importUsers } from "@/lib/users/import";
import { userImportBodySchema } from "@/lib/validations/import";

export const POST = withAdmin(async ({ req, caller }) => {
  const body = await parseBody(req, userImportBodySchema, 6 * 1024 * 1024);
  const result = await importUsers({ rows: body.rows, csv: body.csv, dryRun: body.dry_run, actor: caller });
  return NextResponse.json(result, { headers: { "cache-control": "no-store" } });
});
