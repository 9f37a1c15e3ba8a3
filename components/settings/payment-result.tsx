"use client";

import Link from "next/link";
import { useState } from "react";
import { formatAmount } from "@/components/payments/money";
import { useEventSource } from "@/lib/hooks/use-event-source";
import { useLimits } from "@/lib/hooks/use-limits";
import type { StripePaymentView } from "@/lib/payments/queries";
import type { Json } from "@/lib/validations/json";
import { PaymentStateBadge } from "./payments-panel";

type Payment = Json<StripePaymentView>;

const headline = {
  PENDING: "Waiting for Stripe to confirm your payment…",
  PAID: "Payment received: your credit was added.",
  FAILED: "The payment did not go through.",
  REFUNDED: "This payment was refunded.",
  DISPUTED: "This payment is disputed.",
} as const;

/** One payment, live: Stripe's webhook turns "pending" into "paid" on this page without a reload. */
export function PaymentResult({ id, canceled }: { id: string; canceled: boolean }) {
  const [payment, setPayment] = useState<Payment | null>(null);
  const [missing, setMissing] = useState(false);
  const { limits } = useLimits();
  useEventSource<Payment>(
    `/api/user/payments/${encodeURIComponent(id)}/stream`,
    (p) => setPayment(p),
    () => setMissing(true),
  );

  if (!payment)
    return <p className="text-sm text-zinc-500">{missing ? "This payment could not be found." : "Loading…"}</p>;
  return (
    <section data-testid="payment-result" data-state={payment.state} className="space-y-4">
      <h1 className="text-2xl font-semibold">
        {canceled && payment.state === "PENDING" ? "You left the checkout before paying." : headline[payment.state]}
      </h1>
      <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-1 text-sm">
        <dt className="text-zinc-500">State</dt>
        <dd data-testid="payment-state">
          <PaymentStateBadge state={payment.state} />
        </dd>
        <dt className="text-zinc-500">Amount</dt>
        <dd className="tabular-nums">{formatAmount(payment.amount, payment.currency)}</dd>
        {payment.refunded !== "0.000000" && (
          <>
            <dt className="text-zinc-500">Refunded</dt>
            <dd className="tabular-nums">{formatAmount(payment.refunded, payment.currency)}</dd>
          </>
        )}
        <dt className="text-zinc-500">Started</dt>
        <dd>{new Date(payment.createdAt).toLocaleString()}</dd>
        {payment.paidAt && (
          <>
            <dt className="text-zinc-500">Paid</dt>
            <dd>{new Date(payment.paidAt).toLocaleString()}</dd>
          </>
        )}
        <dt className="text-zinc-500">Reference</dt>
        <dd className="font-mono text-xs">{payment.id}</dd>
        {payment.failureReason && (
          <>
            <dt className="text-zinc-500">Reason</dt>
            <dd>{payment.failureReason}</dd>
          </>
        )}
        <dt className="text-zinc-500">Balance now</dt>
        <dd data-testid="payment-balance" className="tabular-nums">
          {limits?.balance != null ? formatAmount(limits.balance, payment.currency) : "—"}
        </dd>
      </dl>
      <div className="flex gap-3 text-sm">
        <Link href="/" className="underline-offset-2 hover:underline">
          Back to chat
        </Link>
        <Link href="/settings" className="underline-offset-2 hover:underline">
          Usage and payments
        </Link>
      </div>
    </section>
  );
}
