"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { UsageRow } from "@/lib/chat/usage";

const COLORS = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#4b5563", "#db2777"];

export type UsageMetric = "cost" | "tokens";

/** Stacked bars: one per day, one colour per model. */
export function UsageChart({ rows, metric }: { rows: UsageRow[]; metric: UsageMetric }) {
  const models = [...new Set(rows.map((r) => r.model))];
  const byDay = new Map<string, Record<string, number | string>>();
  for (const r of rows) {
    const entry = byDay.get(r.day) ?? { day: r.day };
    // Display only: the exact figures are in the table.
    entry[r.model] = metric === "cost" ? Number(r.cost) : r.promptTokens + r.completionTokens;
    byDay.set(r.day, entry);
  }
  return (
    <div data-testid="usage-chart" className="h-64 w-full min-w-0">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={[...byDay.values()]} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} />
          <XAxis dataKey="day" tick={{ fontSize: 11 }} stroke="currentColor" />
          <YAxis tick={{ fontSize: 11 }} stroke="currentColor" width={56} />
          <Tooltip formatter={(v) => (metric === "cost" ? `$${Number(v).toFixed(6)}` : Number(v).toLocaleString())} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {models.map((m, i) => (
            <Bar key={m} dataKey={m} stackId="usage" fill={COLORS[i % COLORS.length]} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
