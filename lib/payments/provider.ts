import "server-only";

// The payment provider behind one small interface: what Tollgate asks of it (a hosted checkout, a
// charge of a saved card, a refund) and the signed events it sends back. Stripe is the one we have
// (./stripe.ts); the ledger side (./webhook.ts) reads only the shapes named here.

export type CheckoutRequest = {
  paymentId: string;
  userId: string;
  customerId: string;
  amountMinor: bigint;
  currency: string;
  successUrl: string;
  cancelUrl: string;
  idempotencyKey: string;
};

export type OffSessionCharge = {
  paymentId: string;
  userId: string;
  customerId: string;
  paymentMethodId: string;
  amountMinor: bigint;
  currency: string;
  idempotencyKey: string;
};

/** A verified event: Stripe's id and type, and the object it is about (checked field by field by its reader). */
export type ProviderEvent = { id: string; type: string; object: Record<string, unknown> };

export interface PaymentProvider {
  /** The customer record a saved card hangs on; one per user. */
  createCustomer(input: { userId: string; email: string }): Promise<string>;
  createCheckout(input: CheckoutRequest): Promise<{ sessionId: string; url: string }>;
  /** The card a completed checkout saved for later (null when it saved none). */
  savedPaymentMethod(paymentIntentId: string): Promise<string | null>;
  /** Charges a saved card without the user present; the outcome arrives as an event. */
  chargeSavedCard(input: OffSessionCharge): Promise<{ paymentIntentId: string; status: string }>;
  refund(input: {
    paymentIntentId: string;
    amountMinor?: bigint;
    idempotencyKey: string;
  }): Promise<{ refundId: string }>;
  /** Checks the signature (and its age) of a webhook body; throws PaymentSignatureError when it does not hold. */
  verifyEvent(rawBody: string, signature: string | null): ProviderEvent;
}

export class PaymentSignatureError extends Error {}
