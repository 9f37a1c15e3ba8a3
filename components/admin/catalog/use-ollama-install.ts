"use client";

import { useCallback, useRef, useState } from "react";

// Installing an Ollama model: POST …/install answers NDJSON, one line per progress update
// ({status, percent, completed, total, eta_seconds}), ending with {status:"success", percent:100}
// or {status:"error", error, percent}. Errors before the download starts are ordinary JSON errors.

type ProgressLine = {
  status: string;
  percent: number;
  completed?: number;
  total?: number;
  eta_seconds?: number | null;
  error?: string;
};

export type InstallState = {
  name: string;
  phase: "starting" | "running" | "done" | "error";
  status: string;
  percent: number;
  completed: number;
  total: number;
  etaSeconds: number | null;
  error: string | null;
};

function parseLines(buffer: string): { lines: ProgressLine[]; rest: string } {
  const parts = buffer.split("\n");
  const rest = parts.pop() ?? "";
  const lines: ProgressLine[] = [];
  for (const part of parts) {
    if (!part.trim()) continue;
    try {
      lines.push(JSON.parse(part) as ProgressLine);
    } catch {
      // a line that is not JSON carries no progress; skip it
    }
  }
  return { lines, rest };
}

async function errorMessage(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `The server answered ${res.status}`;
}

/** One install at a time, with live progress; `onInstalled` runs after a successful pull. */
export function useOllamaInstall(onInstalled: () => void) {
  const [state, setState] = useState<InstallState | null>(null);
  const abort = useRef<AbortController | null>(null);

  const apply = (line: ProgressLine) =>
    setState(
      (s) =>
        s && {
          ...s,
          phase: line.status === "success" ? "done" : line.status === "error" ? "error" : "running",
          status: line.status,
          percent: Math.max(0, Math.min(100, line.percent ?? s.percent)),
          completed: line.completed ?? s.completed,
          total: line.total ?? s.total,
          etaSeconds: line.eta_seconds ?? null,
          error: line.status === "error" ? (line.error ?? "The install failed") : null,
        },
    );

  const install = useCallback(
    async (name: string, providerId: string | null) => {
      const controller = new AbortController();
      abort.current = controller;
      setState({
        name,
        phase: "starting",
        status: "starting",
        percent: 0,
        completed: 0,
        total: 0,
        etaSeconds: null,
        error: null,
      });
      let finished = false;
      try {
        const res = await fetch(`/api/admin/ollama/models/${encodeURIComponent(name)}/install`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(providerId ? { provider_id: providerId } : {}),
          signal: controller.signal,
          cache: "no-store",
        });
        if (!res.ok || !res.body) throw new Error(await errorMessage(res));
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { done, value } = await reader.read();
          buffer += decoder.decode(value, { stream: !done });
          const parsed = done ? parseLines(`${buffer}\n`) : parseLines(buffer);
          buffer = parsed.rest;
          for (const line of parsed.lines) {
            apply(line);
            if (line.status === "success" || line.status === "error") finished = true;
            if (line.status === "success") onInstalled();
          }
          if (done) break;
        }
        if (!finished) throw new Error("The download stopped before Ollama reported success");
      } catch (err) {
        const cancelled = controller.signal.aborted;
        const message = cancelled
          ? "Stopped watching. The server keeps downloading; refresh the installed list later."
          : err instanceof Error
            ? err.message
            : "The install failed";
        setState((s) => s && { ...s, phase: "error", error: message });
      } finally {
        if (abort.current === controller) abort.current = null;
      }
    },
    [onInstalled],
  );

  const stopWatching = useCallback(() => abort.current?.abort(), []);
  const dismiss = useCallback(() => setState(null), []);
  return { state, install, stopWatching, dismiss, running: state?.phase === "starting" || state?.phase === "running" };
}
