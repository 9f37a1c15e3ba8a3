"use client";

import { useEffect, useState } from "react";
import { requestJson } from "@/components/settings/api";

/** The public ids of every configured model (up to 200), for a key's model allow-list. */
export function useModelOptions() {
  const [models, setModels] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    requestJson<{ items: Array<{ publicId: string }> }>("/api/admin/model/list?limit=200")
      .then((body) => !cancelled && setModels(body.items.map((m) => m.publicId)))
      .catch((err: Error) => !cancelled && setError(err.message));
    return () => {
      cancelled = true;
    };
  }, []);
  return { models, error };
}
