"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { UsageRow } from "@/lib/validations/admin-responses";

export type ChartMetric = "cost" | "tokens" | "requests";

const DAY_MS = 86_400_000;
const MAX_FILLED_DAYS = 400;

/** Every day (or month) of the range, so quiet periods show as gaps rather than disappearing. */
export function periodsOf(from: string, to: string, unit: "day" | "month"): string[] {
  const periods: string[] = [];
  if (unit === "day") {
    const start = Date.parse(`${from}T00:00:00Z`);
    const end = Date.parse(`${to}T00:00:00Z`);
    if ((end - start) / DAY_MS > MAX_FILLED_DAYS) return periods;
    for (let t = start; t <= end; t += DAY_MS) periods.push(new Date(t).toISOString().slice(0, 10));
    return periods;
  }
  let [y, m] = from.slice(0, 7).split("-").map(Number);
  const last = to.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, "0")}`;
    periods.push(key);
    if (key >= last) return periods;
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
}

// Display only: the exact money figures are in the tables.
function valueOf(row: UsageRow | undefined, metric: ChartMetric): number {
  if (!row) return 0;
  if (metric === "cost") return Number(row.cost);
  if (metric === "tokens") return row.promptTokens + row.completionTokens;
  return row.requests;
}

const LABELS: Record<ChartMetric, string> = { cost: "Cost (USD)", tokens: "Tokens", requests: "Requests" };

/** Bars per day or month for one metric; periods without usage are zero. */
export function UsageBarChart(props: {
  rows: UsageRow[];
  from: string;
  to: string;
  unit: "day" | "month";
  metric: ChartMetric;
  testId: string;
}) {
  const byKey = new Map(props.rows.map((r) => [r.key, r]));
  const periods = periodsOf(props.from, props.to, props.unit);
  const keys = periods.length ? periods : props.rows.map((r) => r.key);
  const data = keys.map((k) => ({ period: k, value: valueOf(byKey.get(k), props.metric) }));
  return (
    <div data-testid={props.testId} data-rows={props.rows.length} className="h-64 w-full min-w-0">
      {props.rows.length === 0 ? (
        <p className="flex h-full items-center justify-center text-sm text-zinc-500" data-testid="empty-state">
          No usage in this range.
        </p>
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} />
            <XAxis dataKey="period" tick={{ fontSize: 11 }} stroke="currentColor" minTickGap={16} />
            <YAxis tick={{ fontSize: 11 }} stroke="currentColor" width={56} />
            <Tooltip
              formatter={(v) => [
                props.metric === "cost" ? `$${Number(v).toFixed(6)}` : Number(v).toLocaleString(),
                LABELS[props.metric],
              ]}
            />
            <Bar dataKey="value" name={LABELS[props.metric]} fill="#2563eb" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}
