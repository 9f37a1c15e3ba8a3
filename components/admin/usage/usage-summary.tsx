"use client";

import { useState } from "react";
import { Button, ErrorNote, Field, Select } from "@/components/admin/ui";
import { useSubmit } from "@/components/admin/use-submit";
import { Markdown } from "@/components/markdown/markdown";
import { requestJson } from "@/components/settings/api";
import { useModels } from "@/lib/hooks/use-models";
import type { UsageSummary as Summary } from "@/lib/validations/admin-responses";

/** A few sentences about the range, written by a model the admin picks (billed to the admin). */
export function UsageSummary({ from, to }: { from: string; to: string }) {
  const { models, error: modelsError } = useModels();
  const [picked, setPicked] = useState("");
  const [summary, setSummary] = useState<Summary | null>(null);
  const { busy, error, run } = useSubmit("The summary could not be written");
  const model = picked || models?.[0]?.id || "";

  async function summarize() {
    await run(async () => {
      setSummary(
        await requestJson<Summary>("/api/admin/usage/summary", {
          method: "POST",
          body: JSON.stringify({ from, to, model }),
        }),
      );
    });
  }

  return (
    <div className="space-y-3" data-testid="usage-summary">
      <div className="flex flex-wrap items-end gap-2">
        <div className="min-w-0 flex-1 basis-48">
          <Field label="Model">
            <Select
              value={model}
              onChange={(e) => setPicked(e.target.value)}
              disabled={!models?.length}
              data-testid="usage-summary-model"
            >
              {models === null && <option value="">Loading…</option>}
              {models?.length === 0 && <option value="">No model available</option>}
              {models?.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.id}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Button
          variant="primary"
          onClick={() => void summarize()}
          disabled={busy || !model}
          data-testid="usage-summary-submit"
        >
          {busy ? "Writing…" : "Write summary"}
        </Button>
      </div>
      <p className="text-xs text-zinc-500">
        The figures of this range go to the model as a prompt; the request is billed to your account like a chat
        message.
      </p>
      <ErrorNote error={modelsError ?? error} />
      {summary && (
        <div className="rounded-lg bg-zinc-50 p-3 dark:bg-zinc-900" data-testid="usage-summary-text">
          <Markdown text={summary.summary} />
          <p className="mt-2 text-xs text-zinc-500">
            {summary.model} · {summary.from} to {summary.to}
          </p>
        </div>
      )}
    </div>
  );
}
