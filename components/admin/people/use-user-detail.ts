"use client";

import { useCallback, useEffect, useState } from "react";
import { requestJson } from "@/components/settings/api";
import type { UserDetail } from "@/lib/validations/admin-responses";

/** One account with its keys (GET /api/admin/user/detail/{id}); `replace` takes an update's answer. */
export function useUserDetail(id: string) {
  const [detail, setDetail] = useState<UserDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      setDetail(await requestJson<UserDetail>(`/api/admin/user/detail/${encodeURIComponent(id)}`));
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : "The user could not be loaded");
    }
  }, [id]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { detail, error, reload, replace: setDetail };
}
