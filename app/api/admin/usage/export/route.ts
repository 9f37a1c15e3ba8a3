// GET /api/admin/usage/export – the usage report as a CSV download.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { usageCsv, usageCsvFilename } from "@/lib/usage/csv";
import { usageRangeOrThrow, usageReport } from "@/lib/usage/queries";
import { usageQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { from, to, group_by } = parseQuery(req, usageQuery);
  const report = await usageReport({ ...usageRangeOrThrow({ from, to }), groupBy: group_by });
  return new Response(usageCsv(report), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${usageCsvFilename(report)}"`,
      "cache-control": "no-store",
    },
  });
});
