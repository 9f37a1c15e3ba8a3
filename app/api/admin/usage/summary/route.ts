// POST /api/admin/usage/summary – a short written summary of a period, by a chosen model through the gateway.

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { summarizeUsage } from "@/lib/usage/summary";
import { usageSummarySchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller, requestId }) => {
  const { from, to, model } = await parseBody(req, usageSummarySchema);
  return summarizeUsage({ from, to, model, caller, requestId, signal: req.signal });
});
