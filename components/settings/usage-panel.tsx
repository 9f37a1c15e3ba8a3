"use client";

import { useCallback, useEffect, useState } from "react";
import { displayMoney } from "@/lib/billing/money";
import type { UserUsage as Usage } from "@/lib/chat/usage";
import { requestJson } from "./api";
import { UsageChart, type UsageMetric } from "./usage-chart";

const DAY = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const input = "rounded-lg border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700";

/** Tokens and cost by day and model, as a chart and a table (GET /api/user/usage). */
export function UsagePanel() {
  const [from, setFrom] = useState(() => isoDay(new Date(Date.now() - 29 * DAY)));
  const [to, setTo] = useState(() => isoDay(new Date()));
  const [chosenMetric, setMetric] = useState<UsageMetric | null>(null);
  const [usage, setUsage] = useState<Usage | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setUsage(await requestJson<Usage>(`/api/user/usage?${new URLSearchParams({ from, to })}`));
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : "Usage could not be loaded");
    }
  }, [from, to]);
  useEffect(() => {
    void load();
  }, [load]);
  // Free models cost nothing: then the chart shows tokens unless the user picks cost.
  const metric = chosenMetric ?? (usage && Number(usage.totals.cost) === 0 ? "tokens" : "cost");

  return (
    <section aria-labelledby="usage-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="usage-heading" className="text-lg font-semibold">
            Usage
          </h2>
          <p className="text-sm text-zinc-500">The chat page and all your API keys, by day (UTC) and model.</p>
        </div>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <label>
            From{" "}
            <input
              type="date"
              data-testid="usage-from"
              value={from}
              max={to}
              onChange={(e) => e.target.value && setFrom(e.target.value)}
              className={input}
            />
          </label>
          <label>
            to{" "}
            <input
              type="date"
              data-testid="usage-to"
              value={to}
              min={from}
              onChange={(e) => e.target.value && setTo(e.target.value)}
              className={input}
            />
          </label>
          <select
            aria-label="Chart shows"
            value={metric}
            onChange={(e) => setMetric(e.target.value as UsageMetric)}
            className={input}
          >
            <option value="cost">Cost</option>
            <option value="tokens">Tokens</option>
          </select>
        </div>
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      {!usage && !error && (
        <div className="h-64 animate-pulse rounded-xl bg-zinc-100 dark:bg-zinc-800" aria-label="Loading usage" />
      )}
      {usage && usage.items.length === 0 && (
        <p
          data-testid="usage-empty"
          className="rounded-xl border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-500 dark:border-zinc-700"
        >
          No usage between {usage.from} and {usage.to}. Send a chat message or call the API to see it here.
        </p>
      )}
      {usage && usage.items.length > 0 && (
        <>
          <UsageChart rows={usage.items} metric={metric} />
          <div className="overflow-x-auto rounded-xl border border-zinc-200 dark:border-zinc-800">
            <table data-testid="usage-table" className="w-full text-sm">
              <thead className="bg-zinc-50 text-left dark:bg-zinc-900">
                <tr>
                  {["Day", "Model", "Requests", "Prompt tokens", "Completion tokens", "Cost"].map((h) => (
                    <th key={h} scope="col" className="px-3 py-2 font-medium">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
                {usage.items.map((r) => (
                  <tr key={`${r.day}-${r.model}`} data-testid="usage-row">
                    <td className="px-3 py-1.5 whitespace-nowrap">{r.day}</td>
                    <td className="px-3 py-1.5 break-all">{r.model}</td>
                    <td className="px-3 py-1.5 tabular-nums">{r.requests}</td>
                    <td className="px-3 py-1.5 tabular-nums">{r.promptTokens.toLocaleString()}</td>
                    <td className="px-3 py-1.5 tabular-nums">{r.completionTokens.toLocaleString()}</td>
                    <td className="px-3 py-1.5 tabular-nums">{displayMoney(r.cost)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot className="bg-zinc-50 font-medium dark:bg-zinc-900">
                <tr>
                  <td className="px-3 py-2" colSpan={2}>
                    Total
                  </td>
                  <td className="px-3 py-2 tabular-nums">{usage.totals.requests}</td>
                  <td className="px-3 py-2 tabular-nums">{usage.totals.promptTokens.toLocaleString()}</td>
                  <td className="px-3 py-2 tabular-nums">{usage.totals.completionTokens.toLocaleString()}</td>
                  <td className="px-3 py-2 tabular-nums" data-testid="usage-total-cost">
                    {displayMoney(usage.totals.cost)}
                  </td>
                </tr>
              </tfoot>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
