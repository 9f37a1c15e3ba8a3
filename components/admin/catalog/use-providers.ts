"use client";

import { useCallback, useEffect, useState } from "react";
import { requestJson } from "@/components/settings/api";
import type { ProviderItem, ProviderKind } from "@/lib/validations/admin-responses";

/** All providers (one page of 200, which is plenty for pickers), optionally of one kind. */
export function useProviderOptions(kind?: ProviderKind) {
  const [providers, setProviders] = useState<ProviderItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    const params = new URLSearchParams({ limit: "200" });
    if (kind) params.set("kind", kind);
    try {
      setProviders((await requestJson<{ items: ProviderItem[] }>(`/api/admin/provider/list?${params}`)).items);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : "Providers could not be loaded");
    }
  }, [kind]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { providers, error, reload };
}
