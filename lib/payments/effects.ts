import "server-only";
import { formatMoney } from "@/lib/billing/money";
import { getDb } from "@/lib/db/client";
import { logger } from "@/lib/logging/logger";
import { sendMail } from "@/lib/mail/send";
import { minorToMicros } from "./currency";
import { autoTopUpFailedMail, receiptMail } from "./mails";
import { stripeProvider } from "./stripe";

// What follows a committed payment change, outside the database transaction: a failure here
// (mail server away, Stripe slow) never undoes the money already booked.

export type PaymentEffect =
  | { kind: "receipt"; paymentId: string; balance: string }
  | { kind: "save-card"; userId: string; paymentIntentId: string }
  | { kind: "auto-top-up-failed"; paymentId: string };

export async function afterPaymentChange(effects: PaymentEffect[]): Promise<void> {
  for (const effect of effects) {
    try {
      await runEffect(effect);
    } catch (err) {
      logger.warn(
        { effect: effect.kind, err: err instanceof Error ? err.message : String(err) },
        "payment follow-up failed",
      );
    }
  }
}

async function runEffect(effect: PaymentEffect): Promise<void> {
  const db = await getDb();
  if (effect.kind === "save-card") {
    const paymentMethodId = await stripeProvider.savedPaymentMethod(effect.paymentIntentId);
    if (paymentMethodId)
      await db.billingProfile.upsert({
        where: { userId: effect.userId },
        create: { userId: effect.userId, paymentMethodId },
        update: { paymentMethodId },
      });
    return;
  }
  const payment = await db.payment.findUniqueOrThrow({
    where: { id: effect.paymentId },
    include: { user: { select: { email: true } } },
  });
  if (effect.kind === "receipt") {
    await sendMail(
      receiptMail({
        to: payment.user.email,
        amount: formatMoney(payment.credited),
        balance: effect.balance,
        currency: payment.currency,
        paymentId: payment.id,
        auto: payment.kind === "AUTO_TOP_UP",
      }),
    );
  } else {
    const amount = formatMoney(minorToMicros(payment.amountMinor, payment.currency));
    await sendMail(
      autoTopUpFailedMail({
        to: payment.user.email,
        amount,
        currency: payment.currency,
        reason: payment.failureReason ?? "the card was declined",
      }),
    );
  }
}
