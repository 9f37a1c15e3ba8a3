// POST /api/admin/api-key/import – bring over existing keys (br_… or any prefix) with owner, quota and balance; `dry_run` previews.
import { NextResponse } from "next/server";
import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { importApiKeys } from "@/lib/keys/import";
import { keyImportBodySchema } from "@/lib/validations/import";

export const POST = withAdmin(async ({ req, caller }) => {
  const body = await parseBody(req, keyImportBodySchema, 6 * 1024 * 1024);
  const result = await importApiKeys({ rows: body.rows, csv: body.csv, dryRun: body.dry_run, actor: caller });
  return NextResponse.json(result, { headers: { "cache-control": "no-store" } });
});
