"use client";

import { useState } from "react";

/**
 * A form's submit: busy while it runs (a second submit is ignored), the server's message as the
 * error when it fails, `failure` when there is none.
 */
export function useSubmit(failure: string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run(action: () => Promise<void>): Promise<void> {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err instanceof Error ? err.message : failure);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}
