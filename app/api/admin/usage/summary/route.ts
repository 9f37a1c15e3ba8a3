// POST /api/admin/usage/summary – a short written summary of a period, by a chosen model through the gateway.
import { withAdmin } from "@/lib/api/handler";
import { parseBody } from "@/lib/api/body";
import { usageSummarySchema } from "@/lib/validations/admin";
import { summarizeUsage } from "@/lib/usage/summary";

export const POST = withAdmin(async ({ req, caller, requestId }) => {
  const { from, to, model } = await parseBody(req, usageSummarySchema);
  return summarizeUsage({ from, to, model, caller, requestId, signal: req.signal });
});
