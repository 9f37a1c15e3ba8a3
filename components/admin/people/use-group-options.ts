"use client";

import { useEffect, useState } from "react";
import { requestJson } from "@/components/settings/api";
import type { GroupItem } from "@/lib/validations/admin-responses";

/** Every group (up to the API's page size of 200), for group pickers in forms and filters. */
export function useGroupOptions() {
  const [groups, setGroups] = useState<GroupItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    requestJson<{ items: GroupItem[] }>("/api/admin/group/list?limit=200")
      .then((body) => !cancelled && setGroups(body.items))
      .catch((err: Error) => !cancelled && setError(err.message));
    return () => {
      cancelled = true;
    };
  }, []);
  return { groups, error };
}
