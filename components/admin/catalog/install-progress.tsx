"use client";

import { Button, Card } from "@/components/admin/ui";
import { formatBytes, formatEta, formatPercent } from "./sizes";
import type { InstallState } from "./use-ollama-install";

/** The running (or finished) install: a live bar, percent, bytes and time left. */
export function InstallProgress(props: { state: InstallState; onStop: () => void; onDismiss: () => void }) {
  const { state } = props;
  const running = state.phase === "starting" || state.phase === "running";
  const eta = formatEta(state.etaSeconds);
  const barTone = state.phase === "error" ? "bg-red-500" : state.phase === "done" ? "bg-emerald-500" : "bg-blue-600";
  return (
    <Card
      title={`Installing ${state.name}`}
      testId="install-panel"
      className="mb-4"
      actions={
        running ? (
          <Button onClick={props.onStop}>Stop watching</Button>
        ) : (
          <Button onClick={props.onDismiss}>Dismiss</Button>
        )
      }
    >
      <div
        role="progressbar"
        aria-label={`Download of ${state.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={state.percent}
        data-testid="install-progress"
        data-phase={state.phase}
        className="h-3 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div className={`h-full transition-[width] duration-300 ${barTone}`} style={{ width: `${state.percent}%` }} />
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-sm" aria-live="polite">
        <span className="font-semibold tabular-nums" data-testid="install-percent">
          {formatPercent(state.percent)}
        </span>
        <span className="text-zinc-600 dark:text-zinc-400" data-testid="install-status">
          {state.status}
        </span>
        {state.total > 0 && (
          <span className="tabular-nums text-zinc-600 dark:text-zinc-400">
            {formatBytes(state.completed)} of {formatBytes(state.total)}
          </span>
        )}
        {running && eta && (
          <span className="text-zinc-600 dark:text-zinc-400" data-testid="install-eta">
            {eta}
          </span>
        )}
      </div>
      {state.phase === "done" && (
        <p className="mt-2 text-sm text-emerald-700 dark:text-emerald-400" data-testid="install-done">
          {state.name} is installed and its models were added to the catalog (free until you set prices).
        </p>
      )}
      {state.phase === "error" && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400" data-testid="install-error">
          {state.error}
        </p>
      )}
    </Card>
  );
}
