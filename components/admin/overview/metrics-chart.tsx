"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ChartPoint } from "./use-live-metrics";

const SERIES = [
  { key: "cpu", name: "CPU %", color: "#2563eb", axis: "pct" },
  { key: "memory", name: "Memory %", color: "#16a34a", axis: "pct" },
  { key: "disk", name: "Disk %", color: "#d97706", axis: "pct" },
  { key: "network", name: "Network Mbps", color: "#9333ea", axis: "net" },
] as const;

const timeLabel = (iso: string) =>
  new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

// Room for the widest tick labels ("100%" on the left, "10.5" Mbps on the right) and for the top
// label's upper half, so no label is cut at the edge of the svg.
const MARGIN = { top: 12, right: 12, bottom: 4, left: 4 };

/**
 * The host figures, the recent history then the live samples: percentages on the left axis,
 * network throughput on the right. `points` null: the history has not answered yet.
 */
export function MetricsChart({ points, historyPoints }: { points: ChartPoint[] | null; historyPoints: number }) {
  const data = (points ?? []).map((p) => ({
    time: timeLabel(p.at),
    cpu: p.cpu,
    memory: p.memory,
    disk: p.disk,
    network: p.network,
  }));
  return (
    <div
      data-testid="metrics-chart"
      data-points={data.length}
      data-history-points={historyPoints}
      className="h-72 w-full min-w-0"
    >
      {data.length === 0 ? (
        <div className="flex h-full items-center justify-center text-sm text-zinc-500" aria-busy="true">
          Waiting for the first sample…
        </div>
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={MARGIN}>
            <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} />
            <XAxis dataKey="time" tick={{ fontSize: 11 }} stroke="currentColor" minTickGap={24} />
            <YAxis yAxisId="pct" domain={[0, 100]} tick={{ fontSize: 11 }} stroke="currentColor" width={48} unit="%" />
            <YAxis yAxisId="net" orientation="right" tick={{ fontSize: 11 }} stroke="currentColor" width={52} />
            <Tooltip
              formatter={(v, name) =>
                String(name).includes("Mbps") ? `${Number(v).toFixed(2)} Mbps` : `${Number(v).toFixed(1)} %`
              }
            />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {SERIES.map((s) => (
              <Line
                key={s.key}
                yAxisId={s.axis}
                type="monotone"
                dataKey={s.key}
                name={s.name}
                stroke={s.color}
                dot={false}
                strokeWidth={2}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}
