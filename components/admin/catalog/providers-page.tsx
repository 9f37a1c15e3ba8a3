"use client";

import Link from "next/link";
import { useState } from "react";
import { formatMs, formatNumber } from "@/components/admin/format";
import { RowMenu } from "@/components/admin/row-menu";
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
import { useAdminList, useDebounced } from "@/components/admin/use-list";
import { Dialog } from "@/components/chat/dialog";
import { requestJson } from "@/components/settings/api";
import type { ConnectionTest, ProviderItem, RefreshResult } from "@/lib/validations/admin-responses";
import { ProviderForm } from "./provider-form";
import { kindLabel, PROVIDER_KINDS } from "./provider-kinds";

type RowNote = { tone: "green" | "red" | "zinc"; text: string };

/** Upstream providers: where requests go, how to reach them, and a check that they answer. */
export function ProvidersPage() {
  const [q, setQ] = useState("");
  const [kind, setKind] = useState("");
  const list = useAdminList<ProviderItem>("/api/admin/provider/list", { q: useDebounced(q), kind });
  const [editing, setEditing] = useState<ProviderItem | "new" | null>(null);
  const [notes, setNotes] = useState<Record<string, RowNote>>({});
  const [busy, setBusy] = useState<Record<string, boolean>>({});

  async function act(p: ProviderItem, what: "test" | "refresh") {
    setBusy((b) => ({ ...b, [p.id]: true }));
    setNotes((n) => ({ ...n, [p.id]: { tone: "zinc", text: what === "test" ? "Testing…" : "Refreshing…" } }));
    let note: RowNote;
    try {
      const body = JSON.stringify({ id: p.id });
      if (what === "test") {
        const r = await requestJson<ConnectionTest>("/api/admin/provider/test", { method: "POST", body });
        note = r.ok
          ? { tone: "green", text: `Connected in ${formatMs(r.latencyMs)} · ${formatNumber(r.models)} model(s) listed` }
          : { tone: "red", text: `Failed after ${formatMs(r.latencyMs)}: ${r.error ?? "unreachable"}` };
      } else {
        const r = await requestJson<RefreshResult>("/api/admin/provider/refresh", { method: "POST", body });
        note = {
          tone: "green",
          text: `${formatNumber(r.discovered)} listed · ${r.added.length ? `added ${r.added.join(", ")}` : "nothing new"}`,
        };
        if (r.added.length) void list.reload();
      }
    } catch (err) {
      note = { tone: "red", text: err instanceof Error ? err.message : "That did not work" };
    }
    setNotes((n) => ({ ...n, [p.id]: note }));
    setBusy((b) => ({ ...b, [p.id]: false }));
  }

  const noteClass = {
    green: "text-emerald-700 dark:text-emerald-400",
    red: "text-red-700 dark:text-red-400",
    zinc: "text-zinc-500",
  };
  const columns: Column<ProviderItem>[] = [
    {
      header: "Provider",
      cell: (p) => (
        <div className="min-w-40">
          <div className="font-medium">{p.name}</div>
          <div className="text-xs text-zinc-500">{kindLabel(p.kind)}</div>
          {notes[p.id] && (
            <p
              role="status"
              className={`mt-1 text-xs ${noteClass[notes[p.id].tone]}`}
              data-testid="provider-test-result"
            >
              {notes[p.id].text}
            </p>
          )}
        </div>
      ),
    },
    { header: "Base URL", cell: (p) => <span className="break-all font-mono text-xs">{p.baseUrl ?? "default"}</span> },
    { header: "Regions", cell: (p) => (p.regions.length ? p.regions.join(", ") : "—") },
    {
      header: "Credentials",
      cell: (p) => (
        <Badge tone={p.hasApiKey || p.hasAwsCredentials ? "green" : "zinc"}>
          {p.hasApiKey || p.hasAwsCredentials ? "set" : "none"}
        </Badge>
      ),
    },
    {
      header: "Models",
      className: "text-right",
      cell: (p) => (
        <Link
          href={`/admin/models?provider_id=${encodeURIComponent(p.id)}`}
          className="tabular-nums text-blue-700 underline-offset-2 hover:underline dark:text-blue-400"
        >
          {formatNumber(p._count?.models ?? 0)}
        </Link>
      ),
    },
    {
      header: "Status",
      cell: (p) => <Badge tone={p.enabled ? "green" : "zinc"}>{p.enabled ? "enabled" : "disabled"}</Badge>,
    },
    {
      header: "Actions",
      cell: (p) => (
        <RowMenu
          label={`Actions for provider ${p.name}`}
          testId={`provider-actions-${p.name}`}
          actions={[
            {
              label: "Test connection",
              testId: `provider-test-${p.name}`,
              disabled: busy[p.id],
              onSelect: () => void act(p, "test"),
            },
            {
              label: "Refresh model list",
              testId: `provider-refresh-${p.name}`,
              disabled: busy[p.id] || p.kind === "BEDROCK",
              title: p.kind === "BEDROCK" ? "Bedrock does not list models" : undefined,
              onSelect: () => void act(p, "refresh"),
            },
            { label: "Edit", testId: `provider-edit-${p.name}`, onSelect: () => setEditing(p) },
            {
              label: "Delete",
              testId: `provider-delete-${p.name}`,
              danger: {
                title: `Delete ${p.name}?`,
                message: `The provider and its ${formatNumber(p._count?.models ?? 0)} model(s) are removed from the catalog; clients calling them get errors. Past requests stay.`,
              },
              onConfirm: async () => {
                await requestJson("/api/admin/provider/delete", { method: "POST", body: JSON.stringify({ id: p.id }) });
                await list.reload();
              },
            },
          ]}
        />
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Providers"
        description="Upstream services the gateway calls. Credentials are stored encrypted and never shown."
        actions={
          <Button variant="primary" onClick={() => setEditing("new")} data-testid="provider-new">
            New provider
          </Button>
        }
      />
      <form className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-2" onSubmit={(e) => e.preventDefault()}>
        <Field label="Search">
          <Input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Name or URL"
            data-testid="providers-q"
          />
        </Field>
        <Field label="Kind">
          <Select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">All kinds</option>
            {PROVIDER_KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </Select>
        </Field>
      </form>
      <DataTable
        testId="providers-table"
        rowTestId="provider-row"
        columns={columns}
        rows={list.items}
        rowKey={(p) => p.id}
        error={list.error}
        empty={q || kind ? "No provider matches." : "No providers yet. Add one to start routing requests."}
      />
      <Pagination total={list.total} limit={list.limit} offset={list.offset} onOffset={list.setOffset} />
      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" ? "New provider" : `Edit ${editing?.name ?? ""}`}
        testId="provider-dialog"
      >
        {editing !== null && (
          <ProviderForm
            key={editing === "new" ? "new" : editing.id}
            provider={editing === "new" ? null : editing}
            onCancel={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              void list.reload();
            }}
          />
        )}
      </Dialog>
    </>
  );
}
