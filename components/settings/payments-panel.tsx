"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { AddCreditForm } from "@/components/payments/add-credit";
import { formatAmount, stateLabel, stateTone } from "@/components/payments/money";
import { useLimits } from "@/lib/hooks/use-limits";
import { usePaymentOptions } from "@/lib/hooks/use-payment-options";
import type { StripePaymentView } from "@/lib/payments/queries";
import type { Json } from "@/lib/validations/json";
import { requestJson } from "./api";
import { BillingAlerts } from "./billing-alerts";

type Payment = Json<StripePaymentView>;

const tones = {
  amber: "bg-amber-100 text-amber-800 dark:bg-amber-900/40 dark:text-amber-300",
  green: "bg-green-100 text-green-800 dark:bg-green-900/40 dark:text-green-300",
  red: "bg-red-100 text-red-800 dark:bg-red-900/40 dark:text-red-300",
  zinc: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
};

export function PaymentStateBadge({ state }: { state: Payment["state"] }) {
  return (
    <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${tones[stateTone[state]]}`}>{stateLabel[state]}</span>
  );
}

/** Balance, "Add credit" (with Stripe configured), the user's payments and their billing alerts. */
export function PaymentsPanel() {
  const options = usePaymentOptions();
  const { limits } = useLimits();
  const [adding, setAdding] = useState(false);
  const [payments, setPayments] = useState<Payment[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setPayments((await requestJson<{ items: Payment[] }>("/api/user/payments?limit=20")).items);
    } catch (err) {
      setError(err instanceof Error ? err.message : "Payments could not be loaded");
    }
  }, []);

  useEffect(() => {
    if (options) void load();
  }, [options, load]);

  const currency = options?.currency ?? "usd";
  return (
    <section aria-labelledby="payments-heading" data-testid="payments-panel" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="payments-heading" className="text-lg font-semibold">
          Balance{" "}
          {limits?.balance != null && (
            <span data-testid="settings-balance" className="ml-2 tabular-nums text-zinc-500">
              {formatAmount(limits.balance, currency, options?.decimals)}
            </span>
          )}
        </h2>
        {options && !adding && (
          <button
            type="button"
            data-testid="settings-add-credit"
            onClick={() => setAdding(true)}
            className="rounded-lg bg-zinc-900 px-3 py-1.5 text-sm text-white dark:bg-zinc-100 dark:text-zinc-900"
          >
            Add credit
          </button>
        )}
      </div>
      {options && adding && (
        <div className="max-w-md rounded-xl border border-zinc-200 p-4 dark:border-zinc-800">
          <AddCreditForm options={options} onCancel={() => setAdding(false)} />
        </div>
      )}
      {options && (
        <div>
          <h3 className="mb-2 text-sm font-medium">Payments</h3>
          {error ? (
            <p role="alert" className="text-sm text-red-600">
              {error}
            </p>
          ) : payments === null ? (
            <p className="text-sm text-zinc-500">Loading…</p>
          ) : payments.length === 0 ? (
            <p data-testid="payments-empty" className="text-sm text-zinc-500">
              No payments yet.
            </p>
          ) : (
            <table data-testid="user-payments" className="w-full text-sm">
              <thead className="text-left text-zinc-500">
                <tr>
                  <th className="py-1 font-normal">Date</th>
                  <th className="py-1 pr-4 text-right font-normal">Amount</th>
                  <th className="py-1 font-normal">State</th>
                  <th className="py-1 font-normal">Receipt</th>
                </tr>
              </thead>
              <tbody>
                {payments.map((p) => (
                  <tr
                    key={p.id}
                    data-testid={`user-payment-${p.id}`}
                    className="border-t border-zinc-100 dark:border-zinc-800"
                  >
                    <td className="py-1.5">
                      {new Date(p.createdAt).toLocaleString()}
                      {p.kind === "AUTO_TOP_UP" && <span className="ml-1 text-xs text-zinc-500">(auto)</span>}
                    </td>
                    <td className="py-1.5 pr-4 text-right tabular-nums">{formatAmount(p.amount, p.currency)}</td>
                    <td className="py-1.5">
                      <PaymentStateBadge state={p.state} />
                      {p.refunded !== "0.000000" && (
                        <span className="ml-1 text-xs text-zinc-500">
                          refunded {formatAmount(p.refunded, p.currency)}
                        </span>
                      )}
                    </td>
                    <td className="py-1.5">
                      <Link href={`/settings/payments/${p.id}`} className="underline-offset-2 hover:underline">
                        {p.state === "PAID" || p.state === "REFUNDED" ? "Receipt" : "Details"}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      <BillingAlerts options={options} />
    </section>
  );
}
