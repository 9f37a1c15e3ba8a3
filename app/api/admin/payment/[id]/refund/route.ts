// POST /api/admin/payment/{id}/refund – refund a Stripe top-up (all, or {amount}); the webhook debits the balance.

import { parseOptionalBody, parseWith } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { requestRefund } from "@/lib/payments/refund";
import { idParamsSchema } from "@/lib/validations/admin";
import { refundSchema } from "@/lib/validations/payments";

export const POST = withAdmin<{ id: string }>(async ({ req, params, caller }) => {
  const { id } = parseWith(idParamsSchema, params);
  const { amount } = await parseOptionalBody(req, refundSchema, 4096);
  return requestRefund({ paymentId: id, amount, actor: caller });
});
