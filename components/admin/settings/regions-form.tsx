"use client";

import { useEffect, useState } from "react";
import { Button, Card, ErrorNote, Field, Input } from "@/components/admin/ui";
import { useSubmit } from "@/components/admin/use-submit";
import { requestJson } from "@/components/settings/api";

/** The Bedrock regions requests are spread over, as a comma list → POST /api/admin/config/region. */
export function RegionsForm() {
  const [regions, setRegions] = useState<string[] | null>(null);
  const [text, setText] = useState("");
  const [loadError, setLoadError] = useState<string | null>(null);
  const { busy, error, run } = useSubmit("The regions could not be saved");
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    let cancelled = false;
    requestJson<{ regions: string[] }>("/api/admin/config/region")
      .then((r) => {
        if (cancelled) return;
        setRegions(r.regions);
        setText(r.regions.join(", "));
      })
      .catch((err: Error) => !cancelled && setLoadError(err.message));
    return () => {
      cancelled = true;
    };
  }, []);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setSaved(false);
    await run(async () => {
      const r = await requestJson<{ regions: string[] }>("/api/admin/config/region", {
        method: "POST",
        body: JSON.stringify({ regions: text }),
      });
      setRegions(r.regions);
      setText(r.regions.join(", "));
      setSaved(true);
    });
  }

  return (
    <Card title="Bedrock regions" testId="regions-card">
      {regions === null ? (
        loadError ? (
          <ErrorNote error={loadError} />
        ) : (
          <p className="text-sm text-zinc-500" aria-busy="true">
            Loading…
          </p>
        )
      ) : (
        <form onSubmit={submit} className="space-y-3" data-testid="regions-form">
          <Field
            label="Regions"
            hint="Comma-separated, e.g. us-east-1, us-west-2, eu-central-1. Empty uses each provider's own region."
          >
            <Input
              name="regions"
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder="us-east-1, us-west-2"
              autoComplete="off"
              data-testid="regions-input"
            />
          </Field>
          <p className="text-xs text-zinc-500" data-testid="regions-current">
            In use: {regions.length ? regions.join(", ") : "none"}
          </p>
          <ErrorNote error={error} />
          <div className="flex items-center gap-3">
            <Button type="submit" variant="primary" disabled={busy} data-testid="regions-save">
              {busy ? "Saving…" : "Save regions"}
            </Button>
            {saved && (
              <span role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
                Saved
              </span>
            )}
          </div>
        </form>
      )}
    </Card>
  );
}
