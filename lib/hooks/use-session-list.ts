"use client";

import { useCallback, useEffect, useRef, useState } from "react";

export type SessionItem = {
  id: string;
  title: string;
  source: "CHAT" | "API";
  model: string | null;
  createdAt: string;
  updatedAt: string;
  apiKeyId: string | null;
};

const PAGE = 30;

/** The signed-in user's conversations, newest first, searched and paged (GET /api/user/session/list). */
export function useSessionList() {
  const [query, setQuery] = useState("");
  const [items, setItems] = useState<SessionItem[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);

  const load = useCallback(async (q: string, offset: number, limit: number) => {
    const run = ++generation.current;
    setLoading(true);
    setError(null);
    try {
      const params = new URLSearchParams({ limit: String(limit), offset: String(offset) });
      if (q) params.set("q", q);
      const res = await fetch(`/api/user/session/list?${params}`, { cache: "no-store" });
      if (!res.ok) throw new Error(`Conversations could not be loaded (${res.status})`);
      const page = (await res.json()) as { total: number; items: SessionItem[] };
      if (run !== generation.current) return;
      setTotal(page.total);
      setItems((prev) =>
        offset === 0 ? page.items : [...prev, ...page.items.filter((i) => !prev.some((p) => p.id === i.id))],
      );
    } catch (err) {
      if (run === generation.current)
        setError(err instanceof Error ? err.message : "Conversations could not be loaded");
    } finally {
      if (run === generation.current) setLoading(false);
    }
  }, []);

  // A new search starts from the top, a moment after the typing stops.
  useEffect(() => {
    const t = setTimeout(() => void load(query.trim(), 0, PAGE), query ? 250 : 0);
    return () => clearTimeout(t);
  }, [query, load]);

  const itemCount = items.length;
  const hasMore = itemCount < total;
  const loadMore = useCallback(() => {
    if (!loading && hasMore) void load(query.trim(), itemCount, PAGE);
  }, [loading, hasMore, load, query, itemCount]);

  /** After a change (new message, rename, delete): the pages already shown, fresh. */
  const refresh = useCallback(() => void load(query.trim(), 0, Math.max(PAGE, itemCount)), [load, query, itemCount]);

  return { query, setQuery, items, total, loading, error, hasMore, loadMore, refresh, setItems };
}
