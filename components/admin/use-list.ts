"use client";

import { useCallback, useEffect, useState } from "react";
import { requestJson } from "@/components/settings/api";

export type ListState<T> = {
  items: T[] | null;
  total: number;
  error: string | null;
  offset: number;
  limit: number;
  setOffset: (offset: number) => void;
  reload: () => Promise<void>;
};

/**
 * One server-side paginated admin list: `GET url?q=&limit=&offset=&...filters`, answered with
 * `{ items, total }`. Changing a filter goes back to the first page.
 */
export function useAdminList<T>(url: string, filters: Record<string, string | undefined>, limit = 50): ListState<T> {
  const [items, setItems] = useState<T[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);
  const filterKey = JSON.stringify(filters);
  useEffect(() => setOffset(0), [filterKey]);

  const reload = useCallback(async () => {
    const params = new URLSearchParams({ limit: String(limit), offset: String(offset) });
    for (const [k, v] of Object.entries(JSON.parse(filterKey) as Record<string, string | undefined>))
      if (v) params.set(k, v);
    try {
      const body = await requestJson<{ items: T[]; total: number }>(`${url}?${params}`);
      setItems(body.items);
      setTotal(body.total);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : "The list could not be loaded");
    }
  }, [url, filterKey, limit, offset]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { items, total, error, offset, limit, setOffset, reload };
}

/** A text box whose value settles 300 ms after the last keystroke (for `q`). */
export function useDebounced(value: string, ms = 300): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}
