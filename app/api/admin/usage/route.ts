// GET /api/admin/usage – requests, tokens and cost per day, month, user, group, model or key, from the daily rollup.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { usageRangeOrThrow, usageReport } from "@/lib/usage/queries";
import { usageQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { from, to, group_by } = parseQuery(req, usageQuery);
  return usageReport({ ...usageRangeOrThrow({ from, to }), groupBy: group_by });
});
