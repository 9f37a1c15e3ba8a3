// GET /api/admin/payment/list – recharges (manual and Stripe), newest first, filtered by key, user or source and searchable.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { listPayments } from "@/lib/payments/queries";
import { paymentListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { key_id, user_id, source, ...page } = parseQuery(req, paymentListQuery);
  return listPayments({ ...page, keyId: key_id, userId: user_id, source });
});
