"use client";

import { useState } from "react";
import { formatMoney, formatNumber } from "@/components/admin/format";
import { Button, Card, ErrorNote, Field, Input, PageHeader, Select, Stat } from "@/components/admin/ui";
import type { UsageGroupBy } from "@/lib/validations/admin-responses";
import { type ChartMetric, UsageBarChart } from "./usage-bar-chart";
import { UsageSummary } from "./usage-summary";
import { UsageTable } from "./usage-table";
import { useUsageReports } from "./use-usage";

const BREAKDOWNS: Array<{ value: Exclude<UsageGroupBy, "day" | "month">; label: string }> = [
  { value: "user", label: "User" },
  { value: "group", label: "Group" },
  { value: "model", label: "Model" },
  { value: "key", label: "API key" },
];
const DAY_MS = 86_400_000;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Requests, tokens and cost over a date range (UTC days): charts, breakdowns, CSV and an AI summary. */
export function UsagePage() {
  const [from, setFrom] = useState(() => isoDay(Date.now() - 29 * DAY_MS));
  const [to, setTo] = useState(() => isoDay(Date.now()));
  const [chosenMetric, setMetric] = useState<ChartMetric | null>(null);
  const [breakdown, setBreakdown] = useState<(typeof BREAKDOWNS)[number]["value"]>("user");
  const [exportBy, setExportBy] = useState<UsageGroupBy>("day");
  const { reports, error, loading, reload } = useUsageReports(from, to);
  const totals = reports?.day.totals;
  // Free models cost nothing: then the charts show tokens unless the admin picks cost.
  const metric = chosenMetric ?? (totals && Number(totals.cost) === 0 ? "tokens" : "cost");
  const exportHref = `/api/admin/usage/export?${new URLSearchParams({ from, to, group_by: exportBy })}`;

  return (
    <>
      <PageHeader
        title="Usage"
        description="From the daily rollup, in UTC days. Money is exact; charts round for display."
        actions={<Button onClick={() => void reload()}>Refresh</Button>}
      />
      <form className="mb-4 flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
        <div className="w-40">
          <Field label="From">
            <Input
              type="date"
              required
              value={from}
              max={to}
              onChange={(e) => e.target.value && setFrom(e.target.value)}
              data-testid="usage-from"
            />
          </Field>
        </div>
        <div className="w-40">
          <Field label="To (inclusive)">
            <Input
              type="date"
              required
              value={to}
              min={from}
              onChange={(e) => e.target.value && setTo(e.target.value)}
              data-testid="usage-to"
            />
          </Field>
        </div>
        <div className="w-36">
          <Field label="Charts show">
            <Select
              value={metric}
              onChange={(e) => setMetric(e.target.value as ChartMetric)}
              data-testid="usage-metric"
            >
              <option value="cost">Cost</option>
              <option value="tokens">Tokens</option>
              <option value="requests">Requests</option>
            </Select>
          </Field>
        </div>
        <div className="flex items-end gap-2">
          <div className="w-32">
            <Field label="Export by">
              <Select
                value={exportBy}
                onChange={(e) => setExportBy(e.target.value as UsageGroupBy)}
                data-testid="usage-export-by"
              >
                <option value="day">Day</option>
                <option value="month">Month</option>
                {BREAKDOWNS.map((b) => (
                  <option key={b.value} value={b.value}>
                    {b.label}
                  </option>
                ))}
              </Select>
            </Field>
          </div>
          <a
            href={exportHref}
            download
            className="rounded-lg border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
            data-testid="usage-export"
          >
            Export CSV
          </a>
        </div>
      </form>
      <ErrorNote error={error} />
      {!reports && loading && !error && <p className="text-sm text-zinc-500">Loading…</p>}
      {reports && totals && (
        <div className="space-y-4" aria-busy={loading}>
          <div className="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="usage-totals">
            <Stat label="Requests" value={formatNumber(totals.requests)} />
            <Stat
              label="Tokens"
              value={formatNumber(totals.promptTokens + totals.completionTokens)}
              hint={`${formatNumber(totals.promptTokens)} in · ${formatNumber(totals.completionTokens)} out`}
            />
            <Stat label="Cost" value={formatMoney(totals.cost)} testId="usage-total-cost" />
            <Stat label="Avg / request" value={formatMoney(totals.avgCostPerRequest)} />
          </div>
          <Card title="By day">
            <UsageBarChart
              rows={reports.day.rows}
              from={reports.day.from}
              to={reports.day.to}
              unit="day"
              metric={metric}
              testId="usage-chart-day"
            />
          </Card>
          <Card title="By month">
            <UsageBarChart
              rows={reports.month.rows}
              from={reports.month.from}
              to={reports.month.to}
              unit="month"
              metric={metric}
              testId="usage-chart-month"
            />
          </Card>
          <Card title="Breakdown">
            <div role="tablist" aria-label="Breakdown by" className="mb-3 flex flex-wrap gap-1">
              {BREAKDOWNS.map((b) => (
                <button
                  key={b.value}
                  type="button"
                  role="tab"
                  aria-selected={breakdown === b.value}
                  onClick={() => setBreakdown(b.value)}
                  data-testid={`usage-tab-${b.value}`}
                  className={`rounded-lg px-3 py-1.5 text-sm ${breakdown === b.value ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "hover:bg-zinc-100 dark:hover:bg-zinc-800"}`}
                >
                  By {b.label.toLowerCase()}
                </button>
              ))}
            </div>
            <div role="tabpanel">
              <UsageTable
                key={breakdown}
                rows={reports[breakdown].rows}
                totals={reports[breakdown].totals}
                testId={`usage-table-${breakdown}`}
              />
            </div>
          </Card>
          <Card title="AI summary">
            <UsageSummary from={from} to={to} />
          </Card>
        </div>
      )}
    </>
  );
}
