"use client";

import { useCallback, useEffect, useState } from "react";
import { requestJson } from "@/components/settings/api";
import type { LogTail } from "@/lib/validations/admin-responses";

const REFRESH_MS = 5_000;

/** The last `lines` log lines, fetched again 5 s after each answer unless paused. */
export function useLogTail(lines: number, paused: boolean) {
  const [tail, setTail] = useState<LogTail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);

  const load = useCallback(async () => {
    try {
      setTail(await requestJson<LogTail>(`/api/admin/logs?lines=${lines}`));
      setError(null);
      setUpdatedAt(new Date());
    } catch (err) {
      setError(err instanceof Error ? err.message : "The log could not be read");
    }
  }, [lines]);

  useEffect(() => {
    if (paused) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A timeout after each answer, not an interval: a slow server never gets overlapping calls.
    const tick = async () => {
      await load();
      if (!cancelled) timer = setTimeout(tick, REFRESH_MS);
    };
    void tick();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [load, paused]);

  return { tail, error, updatedAt, reload: load };
}
