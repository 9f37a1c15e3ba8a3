"use client";

import { useCallback, useEffect, useState } from "react";
import { useEventSource } from "./use-event-source";

export type LimitLevel = {
  scope: "GROUP" | "USER" | "KEY";
  balance: string | null;
  monthlyQuota: string | null;
  monthSpent: string;
  tokenAllowance: string | null;
  nextGrantAt: string | null;
  dailyRequestLimit: number | null;
  dailyUsed: number;
  rpm: number | null;
  tpm: number | null;
};

export type Limits = { balance: string | null; levels: LimitLevel[] };

/** The caller's balance and limits, live from /api/user/balance/stream (GET /api/user/limits when the stream is down). */
export function useLimits() {
  const [limits, setLimits] = useState<Limits | null>(null);
  const [stale, setStale] = useState(false);

  const fetchOnce = useCallback(async () => {
    try {
      const res = await fetch("/api/user/limits", { cache: "no-store" });
      if (res.ok) setLimits((await res.json()) as Limits);
    } catch {
      // offline: the stream's reconnect will bring fresh numbers
    }
  }, []);

  useEventSource<Limits>(
    "/api/user/balance/stream",
    (data) => {
      setLimits(data);
      setStale(false);
    },
    () => {
      setStale(true);
      void fetchOnce();
    },
  );

  useEffect(() => {
    void fetchOnce();
  }, [fetchOnce]);

  return { limits, stale };
}
