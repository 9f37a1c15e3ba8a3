"use client";

import Link from "next/link";
import { ClearFilters } from "@/components/admin/filter-bar";
import { formatDate } from "@/components/admin/format";
import {
  Badge,
  Button,
  type Column,
  DataTable,
  Field,
  Input,
  PageHeader,
  Pagination,
  Select,
} from "@/components/admin/ui";
import { useAdminList } from "@/components/admin/use-list";
import { useUrlFilters } from "@/components/admin/use-url-filters";
import type { AuditItem } from "@/lib/validations/admin-responses";
import { AuditDiff } from "./audit-diff";
import type { AuditFilters } from "./filters";

// `action` matches a prefix, so "user." finds every user change.
const ACTION_PREFIXES = [
  "user.",
  "group.",
  "api_key.",
  "config.",
  "model.",
  "provider.",
  "ollama.",
  "session.",
  "wallet.",
];

function actionTone(action: string) {
  if (/delete|revoke/.test(action)) return "red" as const;
  if (/create/.test(action)) return "green" as const;
  return "zinc" as const;
}

function Target({ row }: { row: AuditItem }) {
  const id = row.targetId;
  const label = (
    <>
      {row.targetType}
      {id && <span className="ml-1 break-all font-mono text-xs text-zinc-500">{id}</span>}
    </>
  );
  if (id && row.targetType === "user" && row.action !== "user.delete") {
    return (
      <Link href={`/admin/users/${encodeURIComponent(id)}`} className="underline-offset-2 hover:underline">
        {label}
      </Link>
    );
  }
  return <span>{label}</span>;
}

/** Every admin change, newest first: who did what to which record, before and after. */
export function AuditPage({ initial }: { initial: AuditFilters }) {
  const { filters, settled, set, clear, active } = useUrlFilters(initial);
  const list = useAdminList<AuditItem>("/api/admin/audit", settled);

  const columns: Column<AuditItem>[] = [
    { header: "When", cell: (r) => <span className="whitespace-nowrap">{formatDate(r.createdAt)}</span> },
    {
      header: "Actor",
      cell: (r) =>
        r.actorId ? (
          <button
            type="button"
            className="whitespace-nowrap text-left underline-offset-2 hover:underline"
            onClick={() => set("actor_id", r.actorId!)}
            title="Show this actor's changes only"
          >
            {r.actorLabel || r.actorId}
          </button>
        ) : (
          <span className="whitespace-nowrap">{r.actorLabel || "system"}</span>
        ),
    },
    { header: "Action", cell: (r) => <Badge tone={actionTone(r.action)}>{r.action}</Badge> },
    {
      header: "Target",
      cell: (r) => (
        <div className="min-w-40">
          <Target row={r} />
        </div>
      ),
    },
    { header: "Changes", cell: (r) => <AuditDiff id={r.id} before={r.before} after={r.after} /> },
  ];

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made by an administrator, read-only."
        actions={<Button onClick={() => void list.reload()}>Refresh</Button>}
      />
      <form
        className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5"
        onSubmit={(e) => e.preventDefault()}
        data-testid="audit-filters"
      >
        <Field label="Search">
          <Input
            type="search"
            value={filters.q}
            onChange={(e) => set("q", e.target.value)}
            placeholder="Actor, action or target id"
            data-testid="audit-q"
          />
        </Field>
        <Field label="Action">
          <Select value={filters.action} onChange={(e) => set("action", e.target.value)} data-testid="audit-action">
            <option value="">Any action</option>
            {ACTION_PREFIXES.map((p) => (
              <option key={p} value={p}>
                {p}*
              </option>
            ))}
            {filters.action && !ACTION_PREFIXES.includes(filters.action) && (
              <option value={filters.action}>{filters.action}</option>
            )}
          </Select>
        </Field>
        <Field label="Target type">
          <Input
            value={filters.target_type}
            onChange={(e) => set("target_type", e.target.value)}
            placeholder="e.g. user, api_key"
            data-testid="audit-target-type"
          />
        </Field>
        <Field label="Target id">
          <Input
            value={filters.target_id}
            onChange={(e) => set("target_id", e.target.value)}
            data-testid="audit-target-id"
          />
        </Field>
        <Field label="Actor id">
          <Input
            value={filters.actor_id}
            onChange={(e) => set("actor_id", e.target.value)}
            data-testid="audit-actor-id"
          />
        </Field>
        <ClearFilters active={active} clear={clear} className="sm:col-span-2 lg:col-span-5" />
      </form>
      <DataTable
        testId="audit-table"
        rowTestId={(r) => `audit-row-${r.id}`}
        columns={columns}
        rows={list.items}
        rowKey={(r) => r.id}
        error={list.error}
        empty={active ? "No audit entry matches these filters." : "No admin changes have been recorded yet."}
      />
      <Pagination total={list.total} limit={list.limit} offset={list.offset} onOffset={list.setOffset} />
    </>
  );
}
