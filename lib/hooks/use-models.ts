"use client";

import { useEffect, useState } from "react";

export type ChatModel = {
  id: string;
  description: string;
  supports_images: boolean;
  supports_tools: boolean;
  supports_files: boolean;
  context_window: number | null;
  pricing: { input_per_million: string; output_per_million: string };
};

/** The models the signed-in user may chat with (GET /api/chat/models). */
export function useModels() {
  const [models, setModels] = useState<ChatModel[] | null>(null);
  const [lastModel, setLastModel] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    fetch("/api/chat/models", { cache: "no-store" })
      .then(async (res) => {
        if (!res.ok) throw new Error(`The model list could not be loaded (${res.status})`);
        return (await res.json()) as { models: ChatModel[]; lastModel: string | null };
      })
      .then((body) => {
        if (cancelled) return;
        setLastModel(body.lastModel);
        setModels(body.models);
      })
      .catch((err: Error) => !cancelled && setError(err.message));
    return () => {
      cancelled = true;
    };
  }, []);
  return { models, lastModel, error };
}
