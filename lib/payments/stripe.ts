import "server-only";
import Stripe from "stripe";
import { config } from "@/lib/config";
import { type PaymentProvider, PaymentSignatureError, type ProviderEvent } from "./provider";

// Stripe behind the PaymentProvider interface. STRIPE_API_BASE points the client at another server
// speaking Stripe's API (stripe-mock, the tests' fake); the webhook check is the stripe package's own.

const SIGNATURE_TOLERANCE_SECONDS = 300;

function client(): Stripe {
  const cfg = config();
  const globalForStripe = globalThis as unknown as { tollgateStripe?: { key: string; base: string; client: Stripe } };
  const base = cfg.STRIPE_API_BASE ?? "";
  const cached = globalForStripe.tollgateStripe;
  if (cached && cached.key === cfg.STRIPE_SECRET_KEY && cached.base === base) return cached.client;
  const url = base ? new URL(base) : null;
  const stripe = new Stripe(cfg.STRIPE_SECRET_KEY!, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(url
      ? {
          host: url.hostname,
          port: url.port || (url.protocol === "https:" ? 443 : 80),
          protocol: url.protocol === "https:" ? "https" : "http",
        }
      : {}),
  });
  globalForStripe.tollgateStripe = { key: cfg.STRIPE_SECRET_KEY!, base, client: stripe };
  return stripe;
}

const idOf = (value: string | { id: string } | null | undefined): string | null =>
  typeof value === "string" ? value : (value?.id ?? null);

export const stripeProvider: PaymentProvider = {
  async createCustomer({ userId, email }) {
    const customer = await client().customers.create(
      { email, metadata: { tollgate_user_id: userId } },
      { idempotencyKey: `customer-${userId}` },
    );
    return customer.id;
  },

  async createCheckout(input) {
    const metadata = { tollgate_payment_id: input.paymentId, tollgate_user_id: input.userId };
    const session = await client().checkout.sessions.create(
      {
        mode: "payment",
        customer: input.customerId,
        client_reference_id: input.userId,
        metadata,
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: input.currency,
              unit_amount: Number(input.amountMinor),
              product_data: { name: "Tollgate credit" },
            },
          },
        ],
        // The card is kept for auto top-up, which charges it without the user present.
        payment_intent_data: { setup_future_usage: "off_session", metadata },
        success_url: input.successUrl,
        cancel_url: input.cancelUrl,
      },
      { idempotencyKey: input.idempotencyKey },
    );
    if (!session.url) throw new Error("Stripe returned a checkout session without a URL");
    return { sessionId: session.id, url: session.url };
  },

  async savedPaymentMethod(paymentIntentId) {
    const intent = await client().paymentIntents.retrieve(paymentIntentId);
    return intent.setup_future_usage ? idOf(intent.payment_method) : null;
  },

  async chargeSavedCard(input) {
    const intent = await client().paymentIntents.create(
      {
        amount: Number(input.amountMinor),
        currency: input.currency,
        customer: input.customerId,
        payment_method: input.paymentMethodId,
        off_session: true,
        confirm: true,
        metadata: { tollgate_payment_id: input.paymentId, tollgate_user_id: input.userId },
      },
      { idempotencyKey: input.idempotencyKey },
    );
    return { paymentIntentId: intent.id, status: intent.status };
  },

  async refund({ paymentIntentId, amountMinor, idempotencyKey }) {
    const refund = await client().refunds.create(
      { payment_intent: paymentIntentId, ...(amountMinor !== undefined ? { amount: Number(amountMinor) } : {}) },
      { idempotencyKey },
    );
    return { refundId: refund.id };
  },

  verifyEvent(rawBody, signature) {
    if (!signature) throw new PaymentSignatureError("missing Stripe-Signature header");
    let event: Stripe.Event;
    try {
      event = client().webhooks.constructEvent(
        rawBody,
        signature,
        config().STRIPE_WEBHOOK_SECRET!,
        SIGNATURE_TOLERANCE_SECONDS,
      );
    } catch (err) {
      throw new PaymentSignatureError(err instanceof Error ? err.message : "signature check failed");
    }
    const object = (event.data as { object?: unknown } | undefined)?.object;
    if (!object || typeof object !== "object") throw new PaymentSignatureError("event without a data object");
    return { id: event.id, type: event.type, object: object as Record<string, unknown> } satisfies ProviderEvent;
  },
};

/** Stripe's card errors (declined, authentication required) as one line for the user; null for other failures. */
export function cardErrorMessage(err: unknown): string | null {
  return err instanceof Stripe.errors.StripeCardError ? err.message : null;
}
