"use client";

import { useState } from "react";
import { useEventSource } from "@/lib/hooks/use-event-source";
import type { MetricsSample } from "@/lib/validations/admin-responses";

/** Five minutes of samples at the stream's 5-second interval. */
export const MAX_POINTS = 60;

export type StreamState = "connecting" | "live" | "reconnecting";

/** Follows the admin metrics stream, keeping the last MAX_POINTS samples (oldest first). */
export function useLiveMetrics() {
  const [points, setPoints] = useState<MetricsSample[]>([]);
  const [state, setState] = useState<StreamState>("connecting");
  useEventSource<MetricsSample>(
    "/api/admin/metrics/stream",
    (sample) => {
      if (sample.type !== "metrics") return;
      setPoints((prev) => [...prev, sample].slice(-MAX_POINTS));
      setState("live");
    },
    () => setState("reconnecting"),
  );
  return { points, latest: points.at(-1) ?? null, state };
}
