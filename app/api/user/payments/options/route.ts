// GET /api/user/payments/options – what "Add credit" offers: currency, bounds and preset amounts (404 without Stripe).
import { withUser } from "@/lib/api/handler";
import { getPaymentOptions, paymentProviderOrThrow } from "@/lib/payments/config";

export const dynamic = "force-dynamic";

export const GET = withUser(async () => {
  paymentProviderOrThrow();
  return getPaymentOptions();
});
