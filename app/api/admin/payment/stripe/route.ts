// GET /api/admin/payment/stripe – every Stripe top-up (paid or not) by state and user, with totals per day.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { paymentProviderOrThrow } from "@/lib/payments/config";
import { listStripePayments } from "@/lib/payments/queries";
import { stripePaymentListQuery } from "@/lib/validations/payments";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  paymentProviderOrThrow();
  const { user_id, state, ...page } = parseQuery(req, stripePaymentListQuery);
  return listStripePayments({ ...page, userId: user_id, state });
});
