"use client";

import Link from "next/link";
import { FilterBar } from "@/components/admin/filter-bar";
import { formatDate, formatMoney } from "@/components/admin/format";
import { Badge, Button, type Column, DataTable, PageHeader, Pagination } from "@/components/admin/ui";
import { useAdminList } from "@/components/admin/use-list";
import { useUrlFilters } from "@/components/admin/use-url-filters";
import type { RechargeItem as PaymentItem } from "@/lib/validations/admin-responses";
import type { PaymentFilters } from "./filters";
import { StripePayments } from "./stripe-payments";

const scopeLabel = { KEY: "Key", USER: "User", GROUP: "Group" } as const;

/** Recharges (the RECHARGE rows of the ledger), newest first, by key or user. */
export function PaymentsPage({ initial }: { initial: PaymentFilters }) {
  const filterState = useUrlFilters(initial);
  const { settled, set, active } = filterState;
  const list = useAdminList<PaymentItem>("/api/admin/payment/list", settled);

  const columns: Column<PaymentItem>[] = [
    { header: "When", cell: (p) => <span className="whitespace-nowrap">{formatDate(p.createdAt)}</span> },
    {
      header: "Amount",
      cell: (p) => <span data-testid={`payment-amount-${p.id}`}>{formatMoney(p.amount)}</span>,
      className: "text-right tabular-nums whitespace-nowrap font-medium",
    },
    {
      header: "Balance after",
      cell: (p) => formatMoney(p.balanceAfter),
      className: "text-right tabular-nums whitespace-nowrap",
    },
    {
      header: "Source",
      cell: (p) =>
        p.payment ? (
          <span title={[p.payment.checkoutSessionId, p.payment.paymentIntentId].filter(Boolean).join("\n")}>
            <Badge tone="blue">Stripe</Badge>
          </span>
        ) : (
          <Badge tone="zinc">Manual</Badge>
        ),
    },
    {
      header: "Wallet",
      cell: (p) => (
        <div className="flex min-w-36 items-center gap-2">
          <Badge tone={p.wallet.scope === "KEY" ? "blue" : "zinc"}>{scopeLabel[p.wallet.scope]}</Badge>
          {p.wallet.apiKey ? (
            <button
              type="button"
              className="text-left underline-offset-2 hover:underline"
              onClick={() => set("key_id", p.wallet.apiKey!.id)}
              title="Show this key's payments only"
            >
              {p.wallet.apiKey.name} <span className="font-mono text-xs text-zinc-500">{p.wallet.apiKey.prefix}…</span>
            </button>
          ) : p.wallet.group ? (
            <span>{p.wallet.group.name}</span>
          ) : null}
        </div>
      ),
    },
    {
      header: "User",
      cell: (p) =>
        p.wallet.user ? (
          <Link
            href={`/admin/users/${encodeURIComponent(p.wallet.user.id)}`}
            className="whitespace-nowrap underline-offset-2 hover:underline"
          >
            {p.wallet.user.email}
          </Link>
        ) : (
          "—"
        ),
    },
    { header: "Note", cell: (p) => p.note || <span className="text-zinc-500">—</span> },
    {
      header: "By",
      cell: (p) =>
        p.actorId ? (
          <Link
            href={`/admin/users/${encodeURIComponent(p.actorId)}`}
            className="font-mono text-xs underline-offset-2 hover:underline"
            title={p.actorId}
          >
            {p.actorId.slice(0, 10)}…
          </Link>
        ) : (
          "—"
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Payments"
        description="Every recharge, newest first: by an administrator or paid through Stripe."
        actions={<Button onClick={() => void list.reload()}>Refresh</Button>}
      />
      <div className="mb-8">
        <StripePayments userId={settled.user_id} />
      </div>
      <FilterBar
        state={filterState}
        testId="payments-filters"
        fields={[
          { name: "q", label: "Search", placeholder: "Email, key, group or note", testId: "payments-q" },
          { name: "key_id", label: "API key id", testId: "payments-key" },
          { name: "user_id", label: "User id", testId: "payments-user" },
        ]}
      />
      <DataTable
        testId="payments-table"
        rowTestId={(p) => `payment-row-${p.id}`}
        columns={columns}
        rows={list.items}
        rowKey={(p) => p.id}
        error={list.error}
        empty={active ? "No payment matches these filters." : "No payments yet."}
      />
      <Pagination total={list.total} limit={list.limit} offset={list.offset} onOffset={list.setOffset} />
    </>
  );
}
