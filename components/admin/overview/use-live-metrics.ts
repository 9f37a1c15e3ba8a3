"use client";

import { useEffect, useState } from "react";
import { requestJson } from "@/components/settings/api";
import { useEventSource } from "@/lib/hooks/use-event-source";
import type { MetricsHistory, MetricsSample } from "@/lib/validations/admin-responses";

/** Five minutes of samples at the stream's 5-second interval. */
export const MAX_POINTS = 60;

export type StreamState = "connecting" | "live" | "reconnecting";

/** What the chart plots: the host figures, from the history or the stream. */
export type ChartPoint = Pick<MetricsHistory["samples"][number], "at" | "cpu" | "memory" | "disk" | "network">;

/**
 * The last five minutes from the history endpoint, then the metrics stream's samples after them
 * (the last MAX_POINTS, oldest first). `points` stays null until the history has answered (or
 * failed), so the chart's first paint already holds the recent past.
 */
export function useLiveMetrics() {
  const [history, setHistory] = useState<ChartPoint[] | null>(null);
  const [live, setLive] = useState<MetricsSample[]>([]);
  const [state, setState] = useState<StreamState>("connecting");
  useEffect(() => {
    let cancelled = false;
    requestJson<MetricsHistory>("/api/admin/metrics/history?minutes=5")
      .then((body) => body.samples)
      .catch(() => [])
      .then((samples) => {
        if (!cancelled) setHistory(samples);
      });
    return () => {
      cancelled = true;
    };
  }, []);
  useEventSource<MetricsSample>(
    "/api/admin/metrics/stream",
    (sample) => {
      if (sample.type !== "metrics") return;
      setLive((prev) => [...prev, sample].slice(-MAX_POINTS));
      setState("live");
    },
    () => setState("reconnecting"),
  );
  const firstLive = live[0]?.at;
  const points =
    history === null
      ? null
      : [...history.filter((h) => firstLive === undefined || h.at < firstLive), ...live].slice(-MAX_POINTS);
  return { points, historyPoints: history?.length ?? 0, latest: live.at(-1) ?? null, state };
}
