"use client";

import { useEffect, useMemo, useState } from "react";
import { useDebounced } from "@/components/admin/use-list";

/**
 * A list page's filters, started from the URL and written back to it (replaceState, no reload)
 * once typing settles, so a filtered list can be shared, reloaded and returned to.
 */
export function useUrlFilters<K extends string>(initial: Record<K, string>) {
  const [filters, setFilters] = useState(initial);
  const settledKey = useDebounced(JSON.stringify(filters));
  const settled = useMemo(() => JSON.parse(settledKey) as Record<K, string>, [settledKey]);

  useEffect(() => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(settled) as Array<[string, string]>) if (v) params.set(k, v);
    const query = params.toString();
    const url = `${window.location.pathname}${query ? `?${query}` : ""}`;
    if (url !== `${window.location.pathname}${window.location.search}`)
      window.history.replaceState(window.history.state, "", url);
  }, [settled]);

  const set = (name: K, value: string) => setFilters((f) => ({ ...f, [name]: value }));
  const clear = () => setFilters(Object.fromEntries(Object.keys(initial).map((k) => [k, ""])) as Record<K, string>);
  const active = Object.values(filters).some(Boolean);
  return { filters, settled, set, clear, active };
}
