"use client";

import Link from "next/link";
import { useState } from "react";
import { FilterBar } from "@/components/admin/filter-bar";
import { formatDate, formatMoney } from "@/components/admin/format";
import { type RowAction, RowMenu } from "@/components/admin/row-menu";
import { Badge, Button, type Column, DataTable, PageHeader, Pagination } from "@/components/admin/ui";
import { useAdminList } from "@/components/admin/use-list";
import { useUrlFilters } from "@/components/admin/use-url-filters";
import { keyStatus, requestJson } from "@/components/settings/api";
import type { KeyItem } from "@/lib/validations/admin-responses";
import { ApplyKeyDialog } from "./apply-key-dialog";
import { EditKeyDialog } from "./edit-key-dialog";
import type { KeyFilters } from "./filters";
import { ImportKeysDialog } from "./import-keys-dialog";
import { KeyStatusBadge } from "./key-status";
import { RechargeDialog } from "./recharge-dialog";

/** Every API key with its owner, status and own wallet: issue, edit, recharge, revoke. */
export function KeysPage({ initial }: { initial: KeyFilters }) {
  const filterState = useUrlFilters(initial);
  const { settled, active } = filterState;
  const list = useAdminList<KeyItem>("/api/admin/api-key/list", settled);
  const [applying, setApplying] = useState(false);
  const [importing, setImporting] = useState(false);
  const [editing, setEditing] = useState<KeyItem | null>(null);
  const [recharging, setRecharging] = useState<KeyItem | null>(null);

  const columns: Column<KeyItem>[] = [
    {
      header: "Key",
      cell: (k) => (
        <div className="min-w-36">
          <div className="font-medium">{k.name}</div>
          <div className="font-mono text-xs text-zinc-500">{k.prefix}…</div>
        </div>
      ),
    },
    {
      header: "Owner",
      cell: (k) => (
        <Link
          href={`/admin/users/${encodeURIComponent(k.user.id)}`}
          className="whitespace-nowrap underline-offset-2 hover:underline"
        >
          {k.user.email}
        </Link>
      ),
    },
    { header: "Status", cell: (k) => <KeyStatusBadge apiKey={k} /> },
    {
      header: "Balance",
      cell: (k) => <span data-testid={`key-balance-${k.id}`}>{formatMoney(k.limit?.balance)}</span>,
      className: "text-right tabular-nums whitespace-nowrap",
    },
    {
      header: "This month",
      cell: (k) =>
        k.limit?.monthlyQuota != null
          ? `${formatMoney(k.limit.monthSpent)} / ${formatMoney(k.limit.monthlyQuota)}`
          : formatMoney(k.limit?.monthSpent ?? "0"),
      className: "text-right tabular-nums whitespace-nowrap",
    },
    {
      header: "Role",
      cell: (k) => <Badge tone={k.role === "ADMIN" ? "blue" : "zinc"}>{k.role === "ADMIN" ? "Admin" : "User"}</Badge>,
    },
    {
      header: "Models",
      cell: (k) =>
        k.allowedModels.length ? (
          <span className="text-xs">{k.allowedModels.join(", ")}</span>
        ) : (
          <span className="text-zinc-500">All</span>
        ),
    },
    { header: "Last used", cell: (k) => <span className="whitespace-nowrap">{formatDate(k.lastUsedAt)}</span> },
    { header: "Expires", cell: (k) => <span className="whitespace-nowrap">{formatDate(k.expiresAt)}</span> },
    {
      header: "Actions",
      cell: (k) => {
        const revoked = keyStatus(k) === "revoked";
        const actions: RowAction[] = [
          { label: "Edit", testId: `edit-key-button-${k.id}`, onSelect: () => setEditing(k) },
          {
            label: "Payments",
            testId: `key-payments-${k.id}`,
            href: `/admin/payments?key_id=${encodeURIComponent(k.id)}`,
          },
        ];
        if (!revoked)
          actions.splice(1, 0, {
            label: "Recharge",
            testId: `recharge-button-${k.id}`,
            onSelect: () => setRecharging(k),
          });
        if (!revoked)
          actions.push({
            label: "Revoke",
            testId: `revoke-button-${k.id}`,
            danger: {
              title: "Revoke this key?",
              message: (
                <>
                  <strong>{k.name}</strong> ({k.prefix}…) of {k.user.email} stops working at once, on every instance.
                  This cannot be undone.
                </>
              ),
            },
            onConfirm: async () => {
              await requestJson("/api/admin/api-key/revoke", { method: "POST", body: JSON.stringify({ id: k.id }) });
              await list.reload();
            },
          });
        return <RowMenu label={`Actions for key ${k.name}`} testId={`key-actions-${k.id}`} actions={actions} />;
      },
    },
  ];

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys for API clients, each with its own balance and limits."
        actions={
          <>
            <Button onClick={() => void list.reload()}>Refresh</Button>
            <Button onClick={() => setImporting(true)} data-testid="import-keys-open">
              Import
            </Button>
            <Button variant="primary" onClick={() => setApplying(true)} data-testid="apply-open">
              Issue key
            </Button>
          </>
        }
      />
      <FilterBar
        state={filterState}
        testId="keys-filters"
        fields={[
          { name: "q", label: "Search", placeholder: "Name, key prefix or owner email", testId: "keys-q" },
          { name: "user_id", label: "Owner user id", testId: "keys-user" },
        ]}
      />
      <DataTable
        testId="keys-table"
        rowTestId={(k) => `key-row-${k.id}`}
        columns={columns}
        rows={list.items}
        rowKey={(k) => k.id}
        error={list.error}
        empty={active ? "No key matches these filters." : "No API keys yet. Issue one to get started."}
      />
      <Pagination total={list.total} limit={list.limit} offset={list.offset} onOffset={list.setOffset} />
      <ImportKeysDialog open={importing} onClose={() => setImporting(false)} onImported={() => void list.reload()} />
      <ApplyKeyDialog open={applying} onClose={() => setApplying(false)} onIssued={() => void list.reload()} />
      <EditKeyDialog
        apiKey={editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void list.reload();
        }}
      />
      <RechargeDialog apiKey={recharging} onClose={() => setRecharging(null)} onRecharged={() => void list.reload()} />
    </>
  );
}
