"use client";

import { useCallback, useEffect, useState } from "react";
import { requestJson } from "@/components/settings/api";

/** One admin resource by URL (null URL: nothing to load yet), with its error and a reload. */
export function useAdminResource<T>(url: string | null) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadedUrl, setLoadedUrl] = useState<string | null>(null);

  const reload = useCallback(async () => {
    if (!url) return;
    try {
      const body = await requestJson<T>(url);
      setData(body);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : "This could not be loaded");
    } finally {
      setLoadedUrl(url);
    }
  }, [url]);

  useEffect(() => {
    void reload();
  }, [reload]);

  // While a new URL loads, the previous answer is not shown as if it were the new one.
  const current = loadedUrl === url;
  return { data: current ? data : null, error: current ? error : null, loading: !current, reload };
}
