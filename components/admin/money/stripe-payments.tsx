"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { formatDate } from "@/components/admin/format";
import {
  Badge,
  Button,
  Card,
  type Column,
  ConfirmButton,
  DataTable,
  ErrorNote,
  Field,
  Input,
  Pagination,
  Select,
  TableScroll,
} from "@/components/admin/ui";
import { formatAmount, stateLabel, stateTone } from "@/components/payments/money";
import { requestJson } from "@/components/settings/api";
import type { StripePayments as Answer, StripePayment as Payment } from "@/lib/validations/admin-responses";
import { paymentStates } from "@/lib/validations/payments";

const LIMIT = 50;

function RefundAction({ payment, onDone }: { payment: Payment; onDone: () => Promise<void> }) {
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string | null>(null);
  const left = (BigInt(payment.credited.replace(".", "")) - BigInt(payment.refunded.replace(".", "")))
    .toString()
    .padStart(7, "0");
  const leftText = `${left.slice(0, -6)}.${left.slice(-6)}`;
  if ((payment.state !== "PAID" && payment.state !== "DISPUTED") || /^0\.0+$/.test(leftText)) return null;
  return (
    <div className="flex items-center gap-1">
      <Input
        aria-label="Refund amount"
        placeholder="all"
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
        className="!w-20"
        data-testid={`refund-amount-${payment.id}`}
      />
      <ConfirmButton
        label="Refund"
        testId={`refund-${payment.id}`}
        title="Refund this payment?"
        message={`Stripe returns ${amount ? formatAmount(amount, payment.currency) : formatAmount(leftText, payment.currency)} to ${payment.user.email}'s card, and the same amount leaves their balance when Stripe confirms. This cannot be undone.`}
        onConfirm={async () => {
          try {
            await requestJson(`/api/admin/payment/${payment.id}/refund`, {
              method: "POST",
              body: JSON.stringify(amount ? { amount } : {}),
            });
            setError(null);
            await onDone();
          } catch (err) {
            setError(err instanceof Error ? err.message : "The refund failed");
          }
        }}
      />
      <ErrorNote error={error} />
    </div>
  );
}

/** Stripe top-ups (paid or not) by state and user, daily totals, and refunds. Hidden without Stripe (the route is a 404). */
export function StripePayments({ userId }: { userId: string }) {
  const [state, setState] = useState("");
  const [user, setUser] = useState(userId);
  const [offset, setOffset] = useState(0);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [enabled, setEnabled] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const params = new URLSearchParams({ limit: String(LIMIT), offset: String(offset) });
    if (state) params.set("state", state);
    if (user.trim()) params.set("user_id", user.trim());
    const res = await fetch(`/api/admin/payment/stripe?${params}`, { cache: "no-store" });
    if (res.status === 404 && !(await res.clone().text()).includes("validation")) return setEnabled(false);
    const body = (await res.json().catch(() => null)) as (Answer & { error?: { message: string } }) | null;
    if (!res.ok || !body) return setError(body?.error?.message ?? `The server answered ${res.status}`);
    setError(null);
    setAnswer(body);
  }, [state, user, offset]);

  useEffect(() => {
    void load();
  }, [load]);

  if (!enabled) return null;
  const columns: Column<Payment>[] = [
    { header: "When", cell: (p) => <span className="whitespace-nowrap">{formatDate(p.createdAt)}</span> },
    {
      header: "Amount",
      cell: (p) => formatAmount(p.amount, p.currency),
      className: "text-right tabular-nums whitespace-nowrap font-medium",
    },
    {
      header: "State",
      cell: (p) => (
        <span className="flex flex-wrap items-center gap-1" data-testid={`stripe-state-${p.id}`}>
          <Badge tone={stateTone[p.state]}>{stateLabel[p.state]}</Badge>
          {p.kind === "AUTO_TOP_UP" && <Badge tone="blue">auto</Badge>}
          {p.refunded !== "0.000000" && (
            <span className="text-xs text-zinc-500">refunded {formatAmount(p.refunded, p.currency)}</span>
          )}
        </span>
      ),
    },
    {
      header: "User",
      cell: (p) => (
        <span className="flex items-center gap-1 whitespace-nowrap">
          <Link href={`/admin/users/${encodeURIComponent(p.user.id)}`} className="underline-offset-2 hover:underline">
            {p.user.email}
          </Link>
          {p.user.disputeFlaggedAt && <Badge tone="red">dispute</Badge>}
        </span>
      ),
    },
    {
      header: "Stripe ids",
      cell: (p) => (
        <div className="font-mono text-xs text-zinc-500">
          {[p.checkoutSessionId, p.paymentIntentId, p.chargeId].filter(Boolean).map((id) => (
            <div key={id} title={id!}>
              {id!.length > 24 ? `${id!.slice(0, 24)}…` : id}
            </div>
          ))}
          {p.failureReason && <div className="font-sans text-red-600">{p.failureReason}</div>}
        </div>
      ),
    },
    { header: "", cell: (p) => <RefundAction payment={p} onDone={load} /> },
  ];

  return (
    <Card
      title="Stripe payments"
      testId="stripe-payments"
      actions={<Button onClick={() => void load()}>Refresh</Button>}
    >
      <form className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-2" onSubmit={(e) => e.preventDefault()}>
        <Field label="State">
          <Select
            value={state}
            onChange={(e) => {
              setState(e.target.value);
              setOffset(0);
            }}
            data-testid="stripe-state-filter"
          >
            <option value="">Any</option>
            {paymentStates.map((s) => (
              <option key={s} value={s}>
                {stateLabel[s]}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="User id">
          <Input
            value={user}
            onChange={(e) => {
              setUser(e.target.value);
              setOffset(0);
            }}
            data-testid="stripe-user-filter"
          />
        </Field>
      </form>
      {answer && answer.totals.length > 0 && (
        <TableScroll className="mb-4 p-2">
          <table className="text-sm" data-testid="stripe-daily-totals">
            <thead className="text-left text-xs uppercase text-zinc-500">
              <tr>
                <th className="pr-6">Day (UTC)</th>
                <th className="pr-6 text-right">Payments</th>
                <th className="pr-6 text-right">Credited</th>
                <th className="pr-6 text-right">Refunded</th>
                <th className="text-right">Disputed</th>
              </tr>
            </thead>
            <tbody className="tabular-nums">
              {answer.totals.slice(0, 14).map((d) => (
                <tr key={d.day}>
                  <td className="pr-6">{d.day}</td>
                  <td className="pr-6 text-right">{d.count}</td>
                  <td className="pr-6 text-right">{formatAmount(d.credited)}</td>
                  <td className="pr-6 text-right">{formatAmount(d.refunded)}</td>
                  <td className="text-right">{formatAmount(d.disputed)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <DataTable
        testId="stripe-payments-table"
        rowTestId={(p) => `stripe-row-${p.id}`}
        columns={columns}
        rows={answer?.items ?? null}
        rowKey={(p) => p.id}
        error={error}
        empty={state || user ? "No Stripe payment matches these filters." : "No Stripe payments yet."}
      />
      {answer && <Pagination total={answer.total} limit={LIMIT} offset={offset} onOffset={setOffset} />}
    </Card>
  );
}
