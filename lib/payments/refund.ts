import "server-only";
import { type AuditEntry, writeAudit } from "@/lib/audit";
import { parseAmountOrThrow } from "@/lib/billing/ledger";
import { formatMoney } from "@/lib/billing/money";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logging/logger";
import { paymentProviderOrThrow } from "./config";
import { microsToMinorOrThrow } from "./currency";

// An administrator's refund goes to Stripe only; the balance changes when Stripe's charge.refunded
// event arrives, through the same webhook path as a refund made in Stripe's own dashboard.

export async function requestRefund(input: {
  paymentId: string;
  amount?: string | number;
  actor: AuditEntry["actor"];
}) {
  const provider = paymentProviderOrThrow();
  const db = await getDb();
  const payment = await db.payment.findUnique({ where: { id: input.paymentId } });
  if (!payment) throw new AppError("not_found", "Payment not found");
  if (!payment.paymentIntentId || (payment.state !== "PAID" && payment.state !== "DISPUTED")) {
    throw new AppError("conflict", `Only a paid payment can be refunded (this one is ${payment.state.toLowerCase()})`);
  }
  const left = payment.credited - payment.refunded;
  const micros = input.amount === undefined ? left : parseAmountOrThrow(input.amount, "amount");
  if (micros > left)
    throw new AppError("validation_error", `amount: at most ${formatMoney(left)} is left to refund`, {
      param: "amount",
    });
  const minor = microsToMinorOrThrow(micros, payment.currency, "amount");
  try {
    const { refundId } = await provider.refund({
      paymentIntentId: payment.paymentIntentId,
      amountMinor: minor,
      // One refund per (payment, amount already refunded, amount): a double click asks once.
      idempotencyKey: `refund-${payment.id}-${payment.refunded}-${micros}`,
    });
    await writeAudit({
      actor: input.actor,
      action: "payment.refund",
      targetType: "payment",
      targetId: payment.id,
      after: { amount: formatMoney(micros), refundId },
    });
    return { refundId, amount: formatMoney(micros), state: "requested" as const };
  } catch (err) {
    logger.warn(
      { paymentId: payment.id, err: err instanceof Error ? err.message : String(err) },
      "stripe refund failed",
    );
    throw new AppError("upstream_error", "Stripe refused the refund; see the server log");
  }
}
