"use client";

import Link from "next/link";
import { useState } from "react";
import { ClearFilters } from "@/components/admin/filter-bar";
import { formatDate, formatMoney, formatMs, formatNumber } from "@/components/admin/format";
import { Button, type Column, DataTable, Field, Input, PageHeader, Pagination, Select } from "@/components/admin/ui";
import { useAdminList } from "@/components/admin/use-list";
import { useUrlFilters } from "@/components/admin/use-url-filters";
import type { RequestStatus, ThreadItem } from "@/lib/validations/admin-responses";
import { Drawer } from "./drawer";
import type { ThreadFilters } from "./filters";
import { StatusBadge } from "./status-badge";
import { ThreadDetailView } from "./thread-detail";

const REQUEST_STATUSES: RequestStatus[] = ["OK", "PARTIAL", "ERROR", "ABORTED", "PENDING"];

const columns: Column<ThreadItem>[] = [
  { header: "Time", cell: (t) => <span className="whitespace-nowrap">{formatDate(t.createdAt)}</span> },
  { header: "User", cell: (t) => <span className="whitespace-nowrap">{t.user.email}</span> },
  { header: "Model", cell: (t) => <span className="whitespace-nowrap font-mono text-xs">{t.model}</span> },
  { header: "Provider", cell: (t) => t.providerName ?? "—" },
  { header: "Status", cell: (t) => <StatusBadge status={t.status} /> },
  {
    header: "Tokens in / out",
    className: "text-right",
    cell: (t) => (
      <span className="whitespace-nowrap tabular-nums">
        {formatNumber(t.promptTokens)} / {formatNumber(t.completionTokens)}
      </span>
    ),
  },
  { header: "Cost", className: "text-right", cell: (t) => <span className="tabular-nums">{formatMoney(t.cost)}</span> },
  {
    header: "Latency",
    className: "text-right",
    cell: (t) => <span className="whitespace-nowrap tabular-nums">{formatMs(t.latencyMs)}</span>,
  },
  {
    header: "Key",
    cell: (t) =>
      t.apiKey ? (
        <span title={t.apiKeyId ?? undefined}>
          {t.apiKey.name} <span className="font-mono text-xs text-zinc-500">{t.apiKey.prefix}…</span>
        </span>
      ) : (
        <span className="text-zinc-500">chat</span>
      ),
  },
];

/** Every request through the gateway, newest first, filterable; a row opens its prompt and reply. */
export function ThreadsPage({ initial }: { initial: ThreadFilters }) {
  const { filters, settled, set, clear, active } = useUrlFilters(initial);
  const list = useAdminList<ThreadItem>("/api/admin/thread/list", settled);
  const [openId, setOpenId] = useState<string | null>(null);

  return (
    <>
      <PageHeader
        title="Threads"
        description="One row per upstream request: prompt, reply, tokens, cost and timing."
        actions={<Button onClick={() => void list.reload()}>Refresh</Button>}
      />
      <form
        className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4"
        onSubmit={(e) => e.preventDefault()}
        data-testid="threads-filters"
      >
        <Field label="Search">
          <Input
            type="search"
            value={filters.q}
            onChange={(e) => set("q", e.target.value)}
            placeholder="Reply text, error, model or request id"
            data-testid="threads-q"
          />
        </Field>
        <Field label="Model">
          <Input
            value={filters.model}
            onChange={(e) => set("model", e.target.value)}
            placeholder="Exact model id"
            data-testid="threads-model"
          />
        </Field>
        <Field label="Status">
          <Select value={filters.status} onChange={(e) => set("status", e.target.value)} data-testid="threads-status">
            <option value="">Any</option>
            {REQUEST_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="API key id">
          <Input value={filters.key_id} onChange={(e) => set("key_id", e.target.value)} data-testid="threads-key" />
        </Field>
        <Field label="Session id">
          <Input
            value={filters.session_id}
            onChange={(e) => set("session_id", e.target.value)}
            data-testid="threads-session"
          />
        </Field>
        <Field label="User id">
          <Input value={filters.user_id} onChange={(e) => set("user_id", e.target.value)} data-testid="threads-user" />
        </Field>
        <Field label="From (UTC)">
          <Input
            type="date"
            value={filters.from}
            max={filters.to || undefined}
            onChange={(e) => set("from", e.target.value)}
            data-testid="threads-from"
          />
        </Field>
        <Field label="To (UTC, inclusive)">
          <Input
            type="date"
            value={filters.to}
            min={filters.from || undefined}
            onChange={(e) => set("to", e.target.value)}
            data-testid="threads-to"
          />
        </Field>
        <ClearFilters active={active} clear={clear} className="sm:col-span-2 lg:col-span-4" />
      </form>
      <DataTable
        testId="threads-table"
        rowTestId="thread-row"
        columns={columns}
        rows={list.items}
        rowKey={(t) => t.id}
        error={list.error}
        empty={active ? "No request matches these filters." : "No requests yet."}
        onOpen={(t) => setOpenId(t.id)}
        openLabel={(t) => `Open request ${t.id} (${t.model}, ${t.user.email})`}
      />
      <Pagination total={list.total} limit={list.limit} offset={list.offset} onOffset={list.setOffset} />
      <Drawer
        open={openId !== null}
        onClose={() => setOpenId(null)}
        title="Request"
        actions={
          openId && (
            <Link
              href={`/admin/threads/${encodeURIComponent(openId)}`}
              className="text-sm text-blue-700 underline-offset-2 hover:underline dark:text-blue-400"
            >
              Full page
            </Link>
          )
        }
      >
        {openId && <ThreadDetailView id={openId} />}
      </Drawer>
    </>
  );
}
