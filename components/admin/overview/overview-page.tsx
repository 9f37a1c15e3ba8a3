"use client";

import { formatMoney, formatNumber } from "@/components/admin/format";
import { Badge, Card, ErrorNote, PageHeader, Stat } from "@/components/admin/ui";
import type { MetricsSample, ServerStatus } from "@/lib/validations/admin-responses";
import { MetricsChart } from "./metrics-chart";
import { type StreamState, useLiveMetrics } from "./use-live-metrics";
import { useToday } from "./use-today";

const streamBadge: Record<StreamState, { tone: "green" | "amber" | "zinc"; label: string }> = {
  live: { tone: "green", label: "Live" },
  connecting: { tone: "zinc", label: "Connecting…" },
  reconnecting: { tone: "amber", label: "Reconnecting…" },
};

/** Today at a glance and the live host metrics. */
export function OverviewPage() {
  const { status, usage, statusError, usageError } = useToday();
  const { points, historyPoints, latest, state } = useLiveMetrics();
  const requestsToday = latest?.requestsToday ?? status?.requestsToday ?? null;
  const tokens = usage ? usage.promptTokens + usage.completionTokens : null;

  return (
    <div className="space-y-4">
      <PageHeader title="Overview" description="Today's traffic (UTC day) and the server's live metrics." />
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat
          label="Requests today"
          value={requestsToday === null ? "—" : formatNumber(requestsToday)}
          testId="stat-requests-today"
        />
        <Stat
          label="Cost today"
          value={usage ? formatMoney(usage.cost) : "—"}
          hint={usage ? `${formatMoney(usage.avgCostPerRequest)} per request` : undefined}
          testId="stat-cost-today"
        />
        <Stat
          label="Tokens today"
          value={tokens === null ? "—" : formatNumber(tokens)}
          hint={
            usage ? `${formatNumber(usage.promptTokens)} in · ${formatNumber(usage.completionTokens)} out` : undefined
          }
          testId="stat-tokens-today"
        />
        <Stat
          label="Active users"
          value={latest ? formatNumber(latest.activeUsers) : "—"}
          hint="Last 15 minutes"
          testId="stat-active-users"
        />
      </div>
      <ErrorNote error={usageError && `Today's usage could not be loaded: ${usageError}`} />
      <Card
        title="Live metrics"
        testId="metrics-card"
        actions={
          <span data-testid="metrics-state" data-state={state}>
            <Badge tone={streamBadge[state].tone}>{streamBadge[state].label}</Badge>
          </span>
        }
      >
        <CurrentValues latest={latest} />
        <MetricsChart points={points} historyPoints={historyPoints} />
      </Card>
      <StatusCard status={status} error={statusError} />
    </div>
  );
}

function CurrentValues({ latest }: { latest: MetricsSample | null }) {
  const pct = (v: number | undefined) => (v === undefined ? "—" : `${v.toFixed(1)} %`);
  const values = [
    { id: "cpu", label: "CPU", value: pct(latest?.cpu) },
    { id: "memory", label: "Memory", value: pct(latest?.memory) },
    { id: "network", label: "Network", value: latest ? `${latest.network.toFixed(2)} Mbps` : "—" },
    { id: "disk", label: "Disk", value: pct(latest?.disk) },
    { id: "requests-total", label: "Requests (all time)", value: latest ? formatNumber(latest.requestsTotal) : "—" },
  ];
  return (
    <div className="mb-4 space-y-3">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
        {values.map((v) => (
          <div key={v.id} className="rounded-lg bg-zinc-50 px-3 py-2 dark:bg-zinc-900" data-testid={`metric-${v.id}`}>
            <dt className="text-xs text-zinc-500">{v.label}</dt>
            <dd className="text-lg font-semibold tabular-nums">{v.value}</dd>
          </div>
        ))}
      </dl>
      <div className="flex flex-wrap items-center gap-1 text-sm" data-testid="metric-loaded-models">
        <span className="text-zinc-500">Loaded Ollama models:</span>
        {!latest
          ? "—"
          : latest.loadedModels.length === 0
            ? "none"
            : latest.loadedModels.map((m) => <Badge key={m}>{m}</Badge>)}
      </div>
    </div>
  );
}

function uptime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m`;
}

function StatusCard({ status, error }: { status: ServerStatus | null; error: string | null }) {
  const tone = (s: string) => (s === "ok" ? "green" : s === "down" ? "red" : "zinc");
  return (
    <Card title="Server" testId="server-status">
      {error ? (
        <ErrorNote error={error} />
      ) : !status ? (
        <p className="text-sm text-zinc-500" aria-busy="true">
          Loading…
        </p>
      ) : (
        <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-3 lg:grid-cols-6">
          <Item label="Version" value={status.version} />
          <Item label="Uptime" value={uptime(status.uptimeSeconds)} />
          <Item label="Node" value={status.node} />
          <Item label="Database" value={<Badge tone={tone(status.database)}>{status.database}</Badge>} />
          <Item label="Redis" value={<Badge tone={tone(status.redis)}>{status.redis}</Badge>} />
          <Item label="Conversations" value={status.sessions === null ? "—" : formatNumber(status.sessions)} />
        </dl>
      )}
    </Card>
  );
}

function Item({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className="mt-0.5">{value}</dd>
    </div>
  );
}
