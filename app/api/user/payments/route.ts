// GET /api/user/payments – the caller's top-ups, newest first, with their state.

import { parseQuery } from "@/lib/api/body";
import { withUser } from "@/lib/api/handler";
import { requireUserId } from "@/lib/auth/caller";
import { paymentProviderOrThrow } from "@/lib/payments/config";
import { listPaymentsForUser } from "@/lib/payments/queries";
import { userPaymentListQuery } from "@/lib/validations/payments";

export const dynamic = "force-dynamic";

export const GET = withUser(async ({ req, caller }) => {
  paymentProviderOrThrow();
  return listPaymentsForUser({ ...parseQuery(req, userPaymentListQuery), userId: requireUserId(caller) });
});
