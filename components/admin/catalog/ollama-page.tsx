"use client";

import Link from "next/link";
import { useCallback, useState } from "react";
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
  PageHeader,
  Pagination,
  Select,
  StopRowClick,
} from "@/components/admin/ui";
import { useAdminList, useDebounced } from "@/components/admin/use-list";
import { requestJson } from "@/components/settings/api";
import type { CuratedOllamaModel, OllamaInstalled } from "@/lib/validations/admin-responses";
import { InstallByName } from "./install-by-name";
import { InstallProgress } from "./install-progress";
import { formatBytes } from "./sizes";
import { useOllamaInstall } from "./use-ollama-install";
import { useProviderOptions } from "./use-providers";

/** Models on an Ollama server: what is installed, what can be, and installs with live progress. */
export function OllamaPage() {
  const { providers, error } = useProviderOptions("OLLAMA");
  const [picked, setPicked] = useState("");
  const providerId = picked || providers?.[0]?.id || "";

  return (
    <>
      <PageHeader
        title="Ollama"
        description="Install and remove models on your Ollama servers. Installed models join the catalog automatically."
        actions={
          providers && providers.length > 1 ? (
            <label className="flex items-center gap-2 text-sm">
              <span>Server</span>
              <Select
                value={providerId}
                onChange={(e) => setPicked(e.target.value)}
                data-testid="ollama-provider"
                className="w-auto"
              >
                {providers.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} {p.baseUrl ? `(${p.baseUrl})` : ""}
                  </option>
                ))}
              </Select>
            </label>
          ) : null
        }
      />
      <ErrorNote error={error} />
      {providers === null && !error && <p className="text-sm text-zinc-500">Loading…</p>}
      {providers?.length === 0 && (
        <p className="rounded-xl border border-zinc-200 p-4 text-sm dark:border-zinc-800" data-testid="empty-state">
          No Ollama provider is configured.{" "}
          <Link href="/admin/providers" className="text-blue-700 underline-offset-2 hover:underline dark:text-blue-400">
            Add one under Providers
          </Link>{" "}
          (kind Ollama, base URL of the server), then come back here.
        </p>
      )}
      {providerId && <OllamaServer key={providerId} providerId={providerId} />}
    </>
  );
}

function OllamaServer({ providerId }: { providerId: string }) {
  const installed = useAdminList<OllamaInstalled>("/api/admin/ollama/models", { provider_id: providerId }, 200);
  const [q, setQ] = useState("");
  const available = useAdminList<CuratedOllamaModel>("/api/admin/ollama/available", { q: useDebounced(q) }, 50);
  const { reload } = installed;
  const onInstalled = useCallback(() => void reload(), [reload]);
  const { state, install, stopWatching, dismiss, running } = useOllamaInstall(onInstalled);
  const installedNames = new Set(installed.items?.map((m) => m.name) ?? []);
  const start = (name: string) => void install(name, providerId);

  const installedColumns: Column<OllamaInstalled>[] = [
    { header: "Name", cell: (m) => <span className="font-mono text-xs font-medium">{m.name}</span> },
    {
      header: "Size",
      className: "text-right",
      cell: (m) => <span className="whitespace-nowrap tabular-nums">{formatBytes(m.sizeBytes)}</span>,
    },
    { header: "Family", cell: (m) => m.family ?? "—" },
    { header: "Parameters", cell: (m) => m.parameterSize ?? "—" },
    { header: "Quantization", cell: (m) => m.quantization ?? "—" },
    { header: "Modified", cell: (m) => <span className="whitespace-nowrap">{formatDate(m.modifiedAt)}</span> },
    {
      header: "Actions",
      cell: (m) => (
        <StopRowClick>
          <ConfirmButton
            label="Delete"
            testId={`ollama-delete-${m.name}`}
            title={`Delete ${m.name}?`}
            message={`The model's files are removed from the Ollama server (${formatBytes(m.sizeBytes)} freed). Catalog entries that use it will fail until it is installed again.`}
            onConfirm={async () => {
              await requestJson(
                `/api/admin/ollama/models/${encodeURIComponent(m.name)}?provider_id=${encodeURIComponent(providerId)}`,
                { method: "DELETE" },
              );
              await installed.reload();
            }}
          />
        </StopRowClick>
      ),
    },
  ];

  return (
    <div className="space-y-4">
      {state && <InstallProgress state={state} onStop={stopWatching} onDismiss={dismiss} />}
      <Card title="Installed" actions={<Button onClick={() => void installed.reload()}>Refresh</Button>}>
        <DataTable
          testId="ollama-installed"
          rowTestId="ollama-installed-row"
          columns={installedColumns}
          rows={installed.items}
          rowKey={(m) => m.name}
          error={installed.error}
          empty="No models are installed on this server yet."
        />
        {installed.total > installed.limit && (
          <Pagination
            total={installed.total}
            limit={installed.limit}
            offset={installed.offset}
            onOffset={installed.setOffset}
          />
        )}
      </Card>
      <Card title="Install by name">
        <InstallByName disabled={running} onInstall={start} />
      </Card>
      <Card title="Available" testId="ollama-available">
        <div className="mb-3 max-w-sm">
          <Field label="Search the curated list">
            <Input
              type="search"
              value={q}
              onChange={(e) => setQ(e.target.value)}
              placeholder="llama, code, vision…"
              data-testid="ollama-available-q"
            />
          </Field>
        </div>
        <ErrorNote error={available.error} />
        {available.items === null && !available.error && <p className="text-sm text-zinc-500">Loading…</p>}
        {available.items?.length === 0 && (
          <p className="text-sm text-zinc-500" data-testid="empty-state">
            Nothing in the curated list matches; install it by name above.
          </p>
        )}
        <ul className="grid grid-cols-1 gap-3 md:grid-cols-2 xl:grid-cols-3">
          {available.items?.map((m) => (
            <CuratedModelCard
              key={m.name}
              model={m}
              installedNames={installedNames}
              disabled={running}
              onInstall={start}
            />
          ))}
        </ul>
      </Card>
    </div>
  );
}

function CuratedModelCard(props: {
  model: CuratedOllamaModel;
  installedNames: Set<string>;
  disabled: boolean;
  onInstall: (name: string) => void;
}) {
  const { model } = props;
  const [tag, setTag] = useState(model.variants[0]?.tag ?? "latest");
  const fullName = `${model.name}:${tag}`;
  const isInstalled = props.installedNames.has(fullName);
  return (
    <li
      className="flex flex-col rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
      data-testid="ollama-available-item"
      data-name={model.name}
    >
      <div className="flex flex-wrap items-center gap-1">
        <span className="font-mono text-sm font-medium">{model.name}</span>
        {model.capabilities.map((c) => (
          <Badge key={c} tone="blue">
            {c}
          </Badge>
        ))}
      </div>
      <p className="mt-1 flex-1 text-sm text-zinc-600 dark:text-zinc-400">{model.description}</p>
      <div className="mt-2 flex items-end gap-2">
        <div className="min-w-0 flex-1">
          <Field label="Size">
            <Select value={tag} onChange={(e) => setTag(e.target.value)} data-testid={`ollama-variant-${model.name}`}>
              {model.variants.map((v) => (
                <option key={v.tag} value={v.tag}>
                  {v.tag} · {v.size}
                  {props.installedNames.has(`${model.name}:${v.tag}`) ? " · installed" : ""}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Button
          variant={isInstalled ? "secondary" : "primary"}
          disabled={props.disabled}
          onClick={() => props.onInstall(fullName)}
          data-testid={`ollama-install-${model.name}`}
          aria-label={`Install ${fullName}`}
        >
          {isInstalled ? "Reinstall" : "Install"}
        </Button>
      </div>
    </li>
  );
}
