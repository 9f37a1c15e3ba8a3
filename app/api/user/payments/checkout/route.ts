// POST /api/user/payments/checkout – start a Stripe Checkout for {amount}; answers the hosted page's URL.

import { parseBody } from "@/lib/api/body";
import { created, withUser } from "@/lib/api/handler";
import { requireUserId } from "@/lib/auth/caller";
import { startCheckout } from "@/lib/payments/checkout";
import { paymentProviderOrThrow } from "@/lib/payments/config";
import { checkoutSchema } from "@/lib/validations/payments";

export const POST = withUser(async ({ req, caller }) => {
  paymentProviderOrThrow();
  const { amount } = await parseBody(req, checkoutSchema, 4096);
  return created(await startCheckout({ userId: requireUserId(caller), amount, origin: new URL(req.url).origin }));
});
