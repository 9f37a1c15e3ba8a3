"use client";

import { useCallback, useEffect, useState } from "react";
import { requestJson } from "@/components/settings/api";
import type { ServerStatus, UsageSums } from "@/lib/validations/admin-responses";

const REFRESH_MS = 60_000;

/** Today's UTC date, the day the usage rollup counts in. */
const utcToday = () => new Date().toISOString().slice(0, 10);

/** Server status and today's usage totals, refreshed every minute. Each source fails on its own. */
export function useToday() {
  const [status, setStatus] = useState<ServerStatus | null>(null);
  const [usage, setUsage] = useState<UsageSums | null>(null);
  const [statusError, setStatusError] = useState<string | null>(null);
  const [usageError, setUsageError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const day = utcToday();
    await Promise.all([
      requestJson<ServerStatus>("/api/admin/status")
        .then((s) => {
          setStatus(s);
          setStatusError(null);
        })
        .catch((err: Error) => setStatusError(err.message)),
      requestJson<{ totals: UsageSums }>(`/api/admin/usage?from=${day}&to=${day}&group_by=day`)
        .then((u) => {
          setUsage(u.totals);
          setUsageError(null);
        })
        .catch((err: Error) => setUsageError(err.message)),
    ]);
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  return { status, usage, statusError, usageError, reload: load };
}
