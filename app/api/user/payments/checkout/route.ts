// POST /api/user/payments/checkout – start a Stripe Checkout for {amount}; answers the hosted page's URL.
import { created, withUser } from "@/lib/api/handler";
import { parseBody } from "@/lib/api/body";
import { requireUserId } from "@/lib/auth/caller";
import { checkoutSchema } from "@/lib/validations/payments";
import { paymentProviderOrThrow } from "@/lib/payments/config";
import { startCheckout } from "@/lib/payments/checkout";

export const POST = withUser(async ({ req, caller }) => {
  paymentProviderOrThrow();
  const { amount } = await parseBody(req, checkoutSchema, 4096);
  return created(await startCheckout({ userId: requireUserId(caller), amount, origin: new URL(req.url).origin }));
});
