import "server-only";
import { z } from "zod";
import { notifyWallet } from "@/lib/billing/ledger";
import { formatMoney } from "@/lib/billing/money";
import { getDb } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError, isAppError } from "@/lib/errors";
import { publish } from "@/lib/events/bus";
import type { Payment, Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logging/logger";
import { paymentCurrency, paymentProviderOrThrow } from "./config";
import { minorToMicros } from "./currency";
import { afterPaymentChange, type PaymentEffect } from "./effects";
import { lockPayment, moveMoneyForPayment } from "./ledger";
import { PaymentSignatureError, type ProviderEvent } from "./provider";

// Stripe's webhook → the ledger. Each event is applied in one database transaction that first
// inserts the event's id: a second delivery (even at the same moment) hits the unique key and
// rolls back, changing nothing. A refused event (unknown payment, wrong currency) rolls back too,
// so Stripe's retry can still apply it once the payment exists.

type Tx = Prisma.TransactionClient;
type Applied = { paymentId?: string; effects: PaymentEffect[]; ignored?: boolean };
type EventHandler = (tx: Tx, event: ProviderEvent) => Promise<Applied>;

export type WebhookResult = { received: true; duplicate?: true; ignored?: true };

const expandable = z
  .union([z.string(), z.object({ id: z.string() })])
  .nullish()
  .transform((v) => (v == null ? null : typeof v === "string" ? v : v.id));
const amount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).transform(BigInt);
const metadata = z
  .record(z.string(), z.string())
  .nullish()
  .transform((m) => m ?? {});

const sessionSchema = z.object({
  id: z.string(),
  amount_total: amount.nullable(),
  currency: z.string().nullable(),
  payment_status: z.string(),
  payment_intent: expandable,
  client_reference_id: z.string().nullish(),
  metadata,
});
const chargeSchema = z.object({
  id: z.string(),
  amount_refunded: amount,
  currency: z.string(),
  payment_intent: expandable,
});
const disputeSchema = z.object({
  id: z.string(),
  amount,
  currency: z.string(),
  charge: expandable,
  payment_intent: expandable,
});
const intentSchema = z.object({
  id: z.string(),
  amount_received: amount.nullish(),
  currency: z.string(),
  metadata,
  last_payment_error: z.object({ message: z.string().nullish() }).nullish(),
});

function read<S extends z.ZodType>(schema: S, event: ProviderEvent): z.infer<S> {
  const parsed = schema.safeParse(event.object);
  if (!parsed.success)
    throw new AppError(
      "bad_request",
      `Stripe event ${event.type}: unexpected object (${parsed.error.issues[0].path.join(".")})`,
    );
  return parsed.data;
}

function refuse(message: string): never {
  throw new AppError("bad_request", message);
}

function checkCurrency(currency: string | null, payment: Payment): string {
  const c = (currency ?? "").toLowerCase();
  if (c !== paymentCurrency() || c !== payment.currency)
    refuse(`Stripe event in ${c.toUpperCase() || "no currency"}; this server takes ${paymentCurrency().toUpperCase()}`);
  return c;
}

async function sessionPayment(tx: Tx, s: z.infer<typeof sessionSchema>): Promise<Payment> {
  const id = s.metadata.tollgate_payment_id;
  const found =
    (id ? await tx.payment.findUnique({ where: { id } }) : null) ??
    (await tx.payment.findUnique({ where: { checkoutSessionId: s.id } }));
  if (
    !found ||
    (found.checkoutSessionId && found.checkoutSessionId !== s.id) ||
    (s.client_reference_id && s.client_reference_id !== found.userId)
  ) {
    refuse(`Unknown checkout session ${s.id}`);
  }
  return lockPayment(tx, found.id);
}

async function creditPayment(
  tx: Tx,
  event: ProviderEvent,
  payment: Payment,
  amountMinor: bigint,
  currency: string,
  externalId: string,
  paymentIntentId: string | null,
): Promise<Applied> {
  if (payment.state !== "PENDING") return { paymentId: payment.id, effects: [], ignored: true };
  const micros = minorToMicros(amountMinor, currency);
  const { balance } = await moveMoneyForPayment(tx, {
    payment,
    kind: "RECHARGE",
    amount: micros,
    eventId: event.id,
    externalId,
    note: `Stripe ${payment.kind === "AUTO_TOP_UP" ? "auto top-up" : "checkout"} ${externalId}`,
  });
  await tx.payment.update({
    where: { id: payment.id },
    data: {
      state: "PAID",
      credited: micros,
      paidAt: new Date(),
      paymentIntentId: paymentIntentId ?? payment.paymentIntentId,
    },
  });
  const effects: PaymentEffect[] = [{ kind: "receipt", paymentId: payment.id, balance: formatMoney(balance) }];
  if (payment.kind === "CHECKOUT" && paymentIntentId)
    effects.push({ kind: "save-card", userId: payment.userId, paymentIntentId });
  return { paymentId: payment.id, effects };
}

async function failPayment(tx: Tx, payment: Payment, reason: string): Promise<Applied> {
  if (payment.state !== "PENDING") return { paymentId: payment.id, effects: [], ignored: true };
  await tx.payment.update({ where: { id: payment.id }, data: { state: "FAILED", failureReason: reason } });
  return {
    paymentId: payment.id,
    effects: payment.kind === "AUTO_TOP_UP" ? [{ kind: "auto-top-up-failed", paymentId: payment.id }] : [],
  };
}

async function checkoutPaid(tx: Tx, event: ProviderEvent): Promise<Applied> {
  const s = read(sessionSchema, event);
  const payment = await sessionPayment(tx, s);
  const currency = checkCurrency(s.currency, payment);
  if (!payment.checkoutSessionId || (s.payment_intent && !payment.paymentIntentId)) {
    await tx.payment.update({
      where: { id: payment.id },
      data: { checkoutSessionId: s.id, paymentIntentId: s.payment_intent ?? payment.paymentIntentId },
    });
  }
  // "completed" with an unpaid status is a bank debit still on its way: async_payment_succeeded follows.
  if (s.payment_status !== "paid" || s.amount_total === null) return { paymentId: payment.id, effects: [] };
  return creditPayment(tx, event, payment, s.amount_total, currency, s.id, s.payment_intent);
}

async function checkoutFailed(tx: Tx, event: ProviderEvent): Promise<Applied> {
  const s = read(sessionSchema, event);
  const payment = await sessionPayment(tx, s);
  checkCurrency(s.currency, payment);
  return failPayment(
    tx,
    payment,
    event.type === "checkout.session.expired"
      ? "The checkout expired before it was paid"
      : "The payment did not go through",
  );
}

async function paymentByIntent(tx: Tx, paymentIntentId: string | null, chargeId?: string | null): Promise<Payment> {
  const found =
    (paymentIntentId ? await tx.payment.findUnique({ where: { paymentIntentId } }) : null) ??
    (chargeId ? await tx.payment.findFirst({ where: { chargeId } }) : null);
  if (!found) refuse(`Unknown payment ${paymentIntentId ?? chargeId ?? "(no payment intent)"}`);
  return lockPayment(tx, found.id);
}

async function chargeRefunded(tx: Tx, event: ProviderEvent): Promise<Applied> {
  const c = read(chargeSchema, event);
  const payment = await paymentByIntent(tx, c.payment_intent, c.id);
  const currency = checkCurrency(c.currency, payment);
  // Not credited yet (events out of order): refused, so Stripe delivers it again after the credit.
  if (payment.state === "PENDING" || payment.state === "FAILED")
    refuse(`Payment ${payment.id} has not been credited; refund not applied`);
  const refunded = minorToMicros(c.amount_refunded, currency);
  const debit = refunded - payment.refunded;
  if (debit <= 0n) return { paymentId: payment.id, effects: [], ignored: true };
  await moveMoneyForPayment(tx, {
    payment,
    kind: "REFUND",
    amount: -debit,
    eventId: event.id,
    externalId: c.id,
    note: `Stripe refund of ${c.id}`,
  });
  const full = refunded >= payment.credited;
  await tx.payment.update({
    where: { id: payment.id },
    data: { refunded, chargeId: c.id, ...(full && payment.state === "PAID" ? { state: "REFUNDED" } : {}) },
  });
  return { paymentId: payment.id, effects: [] };
}

async function disputeCreated(tx: Tx, event: ProviderEvent): Promise<Applied> {
  const d = read(disputeSchema, event);
  const payment = await paymentByIntent(tx, d.payment_intent, d.charge);
  const currency = checkCurrency(d.currency, payment);
  if (payment.state === "PENDING" || payment.state === "FAILED")
    refuse(`Payment ${payment.id} has not been credited; dispute not applied`);
  const disputed = minorToMicros(d.amount, currency);
  await moveMoneyForPayment(tx, {
    payment,
    kind: "ADJUSTMENT",
    amount: -disputed,
    eventId: event.id,
    externalId: d.id,
    note: `Stripe dispute ${d.id}`,
  });
  await tx.payment.update({
    where: { id: payment.id },
    data: { state: "DISPUTED", disputed: payment.disputed + disputed, chargeId: d.charge ?? payment.chargeId },
  });
  const now = new Date();
  await tx.billingProfile.upsert({
    where: { userId: payment.userId },
    create: { userId: payment.userId, disputeFlaggedAt: now },
    update: { disputeFlaggedAt: now },
  });
  return { paymentId: payment.id, effects: [] };
}

/** payment_intent.* events matter only for auto top-ups; a checkout's own intent is settled by the session events. */
async function autoTopUpIntent(tx: Tx, event: ProviderEvent): Promise<Applied> {
  const pi = read(intentSchema, event);
  const id = pi.metadata.tollgate_payment_id;
  if (!id) return { effects: [], ignored: true };
  const found = await tx.payment.findUnique({ where: { id } });
  if (!found) refuse(`Unknown payment ${id}`);
  if (found.kind !== "AUTO_TOP_UP") return { paymentId: found.id, effects: [], ignored: true };
  const payment = await lockPayment(tx, found.id);
  const currency = checkCurrency(pi.currency, payment);
  if (event.type === "payment_intent.payment_failed")
    return failPayment(tx, payment, pi.last_payment_error?.message ?? "The card was declined");
  return creditPayment(tx, event, payment, pi.amount_received ?? 0n, currency, pi.id, pi.id);
}

const handlers: Record<string, EventHandler> = {
  "checkout.session.completed": checkoutPaid,
  "checkout.session.async_payment_succeeded": checkoutPaid,
  "checkout.session.async_payment_failed": checkoutFailed,
  "checkout.session.expired": checkoutFailed,
  "charge.refunded": chargeRefunded,
  "charge.dispute.created": disputeCreated,
  "payment_intent.succeeded": autoTopUpIntent,
  "payment_intent.payment_failed": autoTopUpIntent,
};

/** Verifies, applies once, and runs what follows a change (live updates, mail) after the commit. */
export async function handleStripeWebhook(rawBody: string, signature: string | null): Promise<WebhookResult> {
  const provider = paymentProviderOrThrow();
  let event: ProviderEvent;
  try {
    event = provider.verifyEvent(rawBody, signature);
  } catch (err) {
    if (!(err instanceof PaymentSignatureError)) throw err;
    logger.warn({ reason: err.message }, "stripe webhook refused: bad signature");
    throw new AppError("bad_request", "Stripe signature verification failed");
  }
  const handler = handlers[event.type];
  if (!handler) return { received: true, ignored: true };
  const db = await getDb();
  let applied: Applied;
  try {
    applied = await db.$transaction(
      async (tx) => {
        await tx.stripeEvent.create({ data: { id: event.id, type: event.type } });
        const result = await handler(tx, event);
        if (result.paymentId)
          await tx.stripeEvent.update({ where: { id: event.id }, data: { paymentId: result.paymentId } });
        return result;
      },
      { timeout: 20_000 },
    );
  } catch (err) {
    if (isUniqueViolation(err) && (await db.stripeEvent.findUnique({ where: { id: event.id } })))
      return { received: true, duplicate: true };
    if (isAppError(err))
      logger.warn({ eventId: event.id, type: event.type, reason: err.message }, "stripe webhook refused");
    throw err;
  }
  if (applied.paymentId) {
    const payment = await db.payment.findUnique({ where: { id: applied.paymentId }, select: { userId: true } });
    if (payment) {
      notifyWallet(payment.userId);
      publish(`payment:${applied.paymentId}`);
    }
  }
  await afterPaymentChange(applied.effects);
  return applied.ignored ? { received: true, ignored: true } : { received: true };
}
