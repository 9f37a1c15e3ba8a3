import "server-only";
import { getDb } from "@/lib/db/client";
import { logger } from "@/lib/logging/logger";
import { paymentCurrency, paymentProviderOrThrow, paymentsEnabled } from "./config";
import { microsToMinorOrThrow } from "./currency";
import { afterPaymentChange } from "./effects";
import { cardErrorMessage } from "./stripe";

// Auto top-up: a user whose balance fell below their threshold is charged their chosen amount on
// the card their first checkout saved, at most once an hour. The hour is claimed with one
// conditional UPDATE, so several instances sweeping at once charge once. The credit itself comes
// through the webhook (payment_intent.succeeded), like every other payment.

const MIN_INTERVAL_MS = 60 * 60 * 1000;

export async function runAutoTopUps(now = new Date()): Promise<number> {
  if (!paymentsEnabled()) return 0;
  const db = await getDb();
  const since = new Date(now.getTime() - MIN_INTERVAL_MS);
  const due = await db.billingProfile.findMany({
    where: {
      autoTopUpBelow: { not: null },
      autoTopUpAmount: { not: null },
      paymentMethodId: { not: null },
      stripeCustomerId: { not: null },
      OR: [{ lastAutoTopUpAt: null }, { lastAutoTopUpAt: { lt: since } }],
    },
    include: { user: { select: { status: true, limit: { select: { balance: true } } } } },
  });
  let started = 0;
  for (const profile of due) {
    const balance = profile.user.limit?.balance;
    if (profile.user.status !== "ACTIVE" || balance == null || balance >= profile.autoTopUpBelow!) continue;
    const claimed = await db.billingProfile.updateMany({
      where: { userId: profile.userId, OR: [{ lastAutoTopUpAt: null }, { lastAutoTopUpAt: { lt: since } }] },
      data: { lastAutoTopUpAt: now },
    });
    if (claimed.count !== 1) continue;
    await chargeOnce({
      userId: profile.userId,
      customerId: profile.stripeCustomerId!,
      paymentMethodId: profile.paymentMethodId!,
      amount: profile.autoTopUpAmount!,
    });
    started += 1;
  }
  return started;
}

async function chargeOnce(input: {
  userId: string;
  customerId: string;
  paymentMethodId: string;
  amount: bigint;
}): Promise<void> {
  const db = await getDb();
  const currency = paymentCurrency();
  const payment = await db.payment.create({
    data: {
      userId: input.userId,
      kind: "AUTO_TOP_UP",
      currency,
      amountMinor: microsToMinorOrThrow(input.amount, currency, "autoTopUp.amount"),
    },
  });
  try {
    const intent = await paymentProviderOrThrow().chargeSavedCard({
      ...input,
      paymentId: payment.id,
      amountMinor: payment.amountMinor,
      currency,
      idempotencyKey: `auto-top-up-${payment.id}`,
    });
    await db.payment.updateMany({
      where: { id: payment.id, paymentIntentId: null },
      data: { paymentIntentId: intent.paymentIntentId },
    });
  } catch (err) {
    const reason = cardErrorMessage(err) ?? "The payment provider could not be reached";
    logger.warn({ paymentId: payment.id, reason }, "auto top-up failed");
    // The webhook may have failed it first (and mailed): only the one who flips the state mails.
    const failed = await db.payment.updateMany({
      where: { id: payment.id, state: "PENDING" },
      data: { state: "FAILED", failureReason: reason },
    });
    if (failed.count === 1) await afterPaymentChange([{ kind: "auto-top-up-failed", paymentId: payment.id }]);
  }
}
