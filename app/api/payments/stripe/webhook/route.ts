// POST /api/payments/stripe/webhook – Stripe's signed events: credits, failures, refunds, disputes (each applied once).

import { readBodyText } from "@/lib/api/body";
import { withPublic } from "@/lib/api/handler";
import { paymentProviderOrThrow } from "@/lib/payments/config";
import { handleStripeWebhook } from "@/lib/payments/webhook";

export const dynamic = "force-dynamic";

export const POST = withPublic(async ({ req }) => {
  paymentProviderOrThrow();
  // The signature covers the exact bytes Stripe sent: read raw, parse only after the check.
  const raw = await readBodyText(req, 512 * 1024);
  return handleStripeWebhook(raw, req.headers.get("stripe-signature"));
});
