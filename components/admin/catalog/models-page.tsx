"use client";

import { useState } from "react";
import { formatMoney, formatNumber } from "@/components/admin/format";
import { RowMenu } from "@/components/admin/row-menu";
import {
  Badge,
  Button,
  type Column,
  DataTable,
  ErrorNote,
  Field,
  Input,
  PageHeader,
  Pagination,
  Select,
} from "@/components/admin/ui";
import { useAdminList, useDebounced } from "@/components/admin/use-list";
import { Dialog } from "@/components/chat/dialog";
import { requestJson } from "@/components/settings/api";
import type { ModelItem } from "@/lib/validations/admin-responses";
import { ModelForm } from "./model-form";
import { useProviderOptions } from "./use-providers";

const perMillion = (price: string | null) => (price === null ? "—" : formatMoney(price));

/** The model catalog: public ids, their provider and upstream id, prices per million tokens. */
export function ModelsPage({ initialProviderId = "" }: { initialProviderId?: string }) {
  const [q, setQ] = useState("");
  const [providerId, setProviderId] = useState(initialProviderId);
  const list = useAdminList<ModelItem>("/api/admin/model/list", { q: useDebounced(q), provider_id: providerId });
  const { providers, error: providersError } = useProviderOptions();
  const [editing, setEditing] = useState<ModelItem | "new" | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  async function toggleEnabled(m: ModelItem) {
    try {
      await requestJson("/api/admin/model/update", {
        method: "POST",
        body: JSON.stringify({ id: m.id, enabled: !m.enabled }),
      });
      setRowError(null);
      await list.reload();
    } catch (err) {
      setRowError(err instanceof Error ? err.message : "The model could not be changed");
    }
  }

  const columns: Column<ModelItem>[] = [
    {
      header: "Model",
      cell: (m) => (
        <div className="min-w-40">
          <div className="font-mono text-xs font-medium">{m.publicId}</div>
          {m.upstreamId !== m.publicId && <div className="font-mono text-xs text-zinc-500">→ {m.upstreamId}</div>}
          {m.description && <div className="line-clamp-1 text-xs text-zinc-500">{m.description}</div>}
        </div>
      ),
    },
    {
      header: "Kind",
      cell: (m) => (
        <Badge tone={m.kind === "EMBEDDING" ? "blue" : "zinc"}>{m.kind === "EMBEDDING" ? "embedding" : "chat"}</Badge>
      ),
    },
    { header: "Provider", cell: (m) => <span className="whitespace-nowrap">{m.provider?.name ?? m.providerId}</span> },
    {
      header: "Input / 1M",
      className: "text-right",
      cell: (m) => <span className="tabular-nums">{perMillion(m.inputPrice)}</span>,
    },
    {
      header: "Output / 1M",
      className: "text-right",
      cell: (m) => <span className="tabular-nums">{perMillion(m.outputPrice)}</span>,
    },
    {
      header: "Cached / 1M",
      className: "text-right",
      cell: (m) => <span className="tabular-nums">{perMillion(m.cachedInputPrice)}</span>,
    },
    {
      header: "Context",
      className: "text-right",
      cell: (m) => <span className="tabular-nums">{formatNumber(m.contextWindow)}</span>,
    },
    {
      header: "Status",
      cell: (m) => (
        <span className="flex flex-wrap gap-1">
          <Badge tone={m.enabled ? "green" : "zinc"}>{m.enabled ? "enabled" : "disabled"}</Badge>
          {m.supportsImages && <Badge tone="blue">images</Badge>}
          {m.supportsTools && <Badge tone="blue">tools</Badge>}
          {m.fallbacks.length > 0 && <Badge>{m.fallbacks.length} fallback(s)</Badge>}
        </span>
      ),
    },
    {
      header: "Actions",
      cell: (m) => (
        <RowMenu
          label={`Actions for model ${m.publicId}`}
          testId="model-actions"
          actions={[
            { label: "Edit", testId: "model-edit", onSelect: () => setEditing(m) },
            {
              label: m.enabled ? "Disable" : "Enable",
              testId: "model-toggle",
              onSelect: () => void toggleEnabled(m),
            },
            {
              label: "Delete",
              testId: "model-delete",
              danger: {
                title: `Delete ${m.publicId}?`,
                message: "Clients can no longer call this model. Past requests and their costs stay.",
              },
              onConfirm: async () => {
                await requestJson("/api/admin/model/delete", { method: "POST", body: JSON.stringify({ id: m.id }) });
                await list.reload();
              },
            },
          ]}
        />
      ),
    },
  ];

  const noProviders = providers !== null && providers.length === 0;
  return (
    <>
      <PageHeader
        title="Models & prices"
        description="What clients may call, and what it costs per million tokens."
        actions={
          <Button
            variant="primary"
            onClick={() => setEditing("new")}
            disabled={!providers || noProviders}
            data-testid="model-new"
          >
            New model
          </Button>
        }
      />
      {noProviders && (
        <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
          Add a provider first (Providers page); every model belongs to one.
        </p>
      )}
      <ErrorNote error={providersError} />
      <form className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-2" onSubmit={(e) => e.preventDefault()}>
        <Field label="Search">
          <Input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Public id, upstream id or description"
            data-testid="models-q"
          />
        </Field>
        <Field label="Provider">
          <Select value={providerId} onChange={(e) => setProviderId(e.target.value)} data-testid="models-provider">
            <option value="">All providers</option>
            {providers?.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </Select>
        </Field>
      </form>
      <div className="mb-3">
        <ErrorNote error={rowError} />
      </div>
      <DataTable
        testId="models-table"
        rowTestId="model-row"
        columns={columns}
        rows={list.items}
        rowKey={(m) => m.id}
        error={list.error}
        empty={
          q || providerId
            ? "No model matches."
            : "The catalog is empty. Add a model, or refresh a provider's model list."
        }
      />
      <Pagination total={list.total} limit={list.limit} offset={list.offset} onOffset={list.setOffset} />
      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" ? "New model" : `Edit ${editing?.publicId ?? ""}`}
        testId="model-dialog"
      >
        {editing !== null && providers && (
          <ModelForm
            key={editing === "new" ? "new" : editing.id}
            model={editing === "new" ? null : editing}
            providers={providers}
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
