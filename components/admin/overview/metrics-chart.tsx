"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { MetricsSample } from "@/lib/validations/admin-responses";

const SERIES = [
  { key: "cpu", name: "CPU %", color: "#2563eb", axis: "pct" },
  { key: "memory", name: "Memory %", color: "#16a34a", axis: "pct" },
  { key: "disk", name: "Disk %", color: "#d97706", axis: "pct" },
  { key: "network", name: "Network Mbps", color: "#9333ea", axis: "net" },
] as const;

const timeLabel = (iso: string) =>
  new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** The live host figures: percentages on the left axis, network throughput on the right. */
export function MetricsChart({ points }: { points: MetricsSample[] }) {
  const data = points.map((p) => ({
    time: timeLabel(p.at),
    cpu: p.cpu,
    memory: p.memory,
    disk: p.disk,
    network: p.network,
  }));
  return (
    <div data-testid="metrics-chart" data-points={points.length} className="h-72 w-full min-w-0">
      {points.length === 0 ? (
        <div className="flex h-full items-center justify-center text-sm text-zinc-500" aria-busy="true">
          Waiting for the first sample…
        </div>
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} />
            <XAxis dataKey="time" tick={{ fontSize: 11 }} stroke="currentColor" minTickGap={24} />
            <YAxis yAxisId="pct" domain={[0, 100]} tick={{ fontSize: 11 }} stroke="currentColor" width={36} unit="%" />
            <YAxis yAxisId="net" orientation="right" tick={{ fontSize: 11 }} stroke="currentColor" width={44} />
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
