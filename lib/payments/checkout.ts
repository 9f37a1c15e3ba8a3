import "server-only";
import { parseAmountOrThrow } from "@/lib/billing/ledger";
import { formatMoney } from "@/lib/billing/money";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logging/logger";
import { getPaymentBounds, paymentCurrency, paymentProviderOrThrow } from "./config";
import { microsToMinorOrThrow } from "./currency";
import type { PaymentProvider } from "./provider";

// Starting a top-up: the amount is checked against the bounds and the currency's precision, the
// payment row is committed *before* Stripe hears of it (so a webhook can never arrive for a row
// that does not exist yet), then Stripe's hosted checkout is created and its URL returned.

/** A top-up amount from JSON: exact decimal, within the deployment's bounds, no finer than the currency's minor unit. */
export async function parseTopUpAmountOrThrow(
  value: unknown,
  field = "amount",
): Promise<{ micros: bigint; minor: bigint }> {
  if (typeof value !== "string" && typeof value !== "number")
    throw new AppError("validation_error", `${field}: must be an amount like 10 or 10.50`, { param: field });
  const micros = parseAmountOrThrow(value, field);
  const bounds = await getPaymentBounds();
  const currency = paymentCurrency();
  if (micros < bounds.minimum)
    throw new AppError(
      "validation_error",
      `${field}: must be at least ${formatMoney(bounds.minimum)} ${currency.toUpperCase()}`,
      { param: field },
    );
  if (micros > bounds.maximum)
    throw new AppError(
      "validation_error",
      `${field}: must be at most ${formatMoney(bounds.maximum)} ${currency.toUpperCase()}`,
      { param: field },
    );
  return { micros, minor: microsToMinorOrThrow(micros, currency, field) };
}

export async function ensureStripeCustomer(
  provider: PaymentProvider,
  user: { id: string; email: string },
): Promise<string> {
  const db = await getDb();
  const profile = await db.billingProfile.findUnique({ where: { userId: user.id } });
  if (profile?.stripeCustomerId) return profile.stripeCustomerId;
  const customerId = await provider.createCustomer({ userId: user.id, email: user.email });
  await db.billingProfile.upsert({
    where: { userId: user.id },
    create: { userId: user.id, stripeCustomerId: customerId },
    update: { stripeCustomerId: customerId },
  });
  return customerId;
}

export async function startCheckout(input: { userId: string; amount: unknown; origin: string }) {
  const provider = paymentProviderOrThrow();
  const { micros, minor } = await parseTopUpAmountOrThrow(input.amount);
  const db = await getDb();
  const user = await db.user.findUnique({ where: { id: input.userId }, select: { id: true, email: true } });
  if (!user) throw new AppError("not_found", "User not found");
  const currency = paymentCurrency();
  const base = (config().APP_URL ?? input.origin).replace(/\/+$/, "");
  const payment = await db.payment.create({ data: { userId: user.id, currency, amountMinor: minor } });
  try {
    const customerId = await ensureStripeCustomer(provider, user);
    const session = await provider.createCheckout({
      paymentId: payment.id,
      userId: user.id,
      customerId,
      amountMinor: minor,
      currency,
      successUrl: `${base}/settings/payments/${payment.id}`,
      cancelUrl: `${base}/settings/payments/${payment.id}?canceled=1`,
      idempotencyKey: `checkout-${payment.id}`,
    });
    await db.payment.update({
      where: { id: payment.id },
      data: { checkoutSessionId: session.sessionId, checkoutUrl: session.url },
    });
    return { id: payment.id, url: session.url, amount: formatMoney(micros), currency };
  } catch (err) {
    logger.warn(
      { paymentId: payment.id, err: err instanceof Error ? err.message : String(err) },
      "stripe checkout could not be created",
    );
    await db.payment.updateMany({
      where: { id: payment.id, state: "PENDING" },
      data: { state: "FAILED", failureReason: "The checkout could not be started" },
    });
    throw new AppError("upstream_error", "The payment provider could not start the checkout; please try again");
  }
}
