"use client";

import Link from "next/link";
import { formatDate, formatMoney } from "@/components/admin/format";
import { KeyStatusBadge } from "@/components/admin/money/key-status";
import { Card, type Column, DataTable } from "@/components/admin/ui";
import type { UserKey } from "@/lib/validations/admin-responses";

/** A user's keys with their own balance, linked to the keys and payments lists filtered to this user. */
export function UserKeys({ userId, keys }: { userId: string; keys: UserKey[] }) {
  const uid = encodeURIComponent(userId);
  const columns: Column<UserKey>[] = [
    {
      header: "Name",
      cell: (k) => (
        <span data-testid={`user-key-${k.id}`} className="font-medium">
          {k.name}
        </span>
      ),
    },
    { header: "Prefix", cell: (k) => <span className="whitespace-nowrap font-mono text-xs">{k.prefix}…</span> },
    { header: "Status", cell: (k) => <KeyStatusBadge apiKey={k} /> },
    {
      header: "Balance",
      cell: (k) => formatMoney(k.limit?.balance),
      className: "text-right tabular-nums whitespace-nowrap",
    },
    { header: "Last used", cell: (k) => <span className="whitespace-nowrap">{formatDate(k.lastUsedAt)}</span> },
    { header: "Expires", cell: (k) => <span className="whitespace-nowrap">{formatDate(k.expiresAt)}</span> },
  ];
  return (
    <Card
      title="API keys"
      testId="user-keys"
      actions={
        <div className="flex gap-3 text-sm">
          <Link href={`/admin/keys?user_id=${uid}`} className="underline underline-offset-2">
            Manage keys
          </Link>
          <Link
            href={`/admin/payments?user_id=${uid}`}
            className="underline underline-offset-2"
            data-testid="user-payments-link"
          >
            Payments
          </Link>
        </div>
      }
    >
      <DataTable columns={columns} rows={keys} rowKey={(k) => k.id} empty="This user has no API keys." />
    </Card>
  );
}
