// GET /api/admin/usage – requests, tokens and cost per day, month, user, group, model or key, from the daily rollup.
import { withAdmin } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/body";
import { usageQuery } from "@/lib/validations/admin";
import { usageRangeOrThrow, usageReport } from "@/lib/usage/queries";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { from, to, group_by } = parseQuery(req, usageQuery);
  return usageReport({ ...usageRangeOrThrow({ from, to }), groupBy: group_by });
});
