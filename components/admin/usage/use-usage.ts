"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { requestJson } from "@/components/settings/api";
import type { UsageGroupBy, UsageReport } from "@/lib/validations/admin-responses";

type UsageReports = Record<UsageGroupBy, UsageReport>;

const GROUPINGS: UsageGroupBy[] = ["day", "month", "user", "group", "model", "key"];

/** Every grouping of one date range (all read from the daily rollup, so six small queries). */
export function useUsageReports(from: string, to: string) {
  const [reports, setReports] = useState<UsageReports | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);

  const reload = useCallback(async () => {
    // A slower answer for an earlier range must not replace the current one.
    const call = ++latest.current;
    setLoading(true);
    try {
      const answers = await Promise.all(
        GROUPINGS.map((g) =>
          requestJson<UsageReport>(`/api/admin/usage?${new URLSearchParams({ from, to, group_by: g })}`),
        ),
      );
      if (call !== latest.current) return;
      setReports(Object.fromEntries(GROUPINGS.map((g, i) => [g, answers[i]])) as UsageReports);
      setError(null);
    } catch (err) {
      if (call === latest.current) setError(err instanceof Error ? err.message : "Usage could not be loaded");
    } finally {
      if (call === latest.current) setLoading(false);
    }
  }, [from, to]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { reports, error, loading, reload };
}
