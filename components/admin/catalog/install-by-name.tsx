"use client";

import { useState } from "react";
import { useAdminResource } from "@/components/admin/traffic/use-resource";
import { Button, ErrorNote, Field, Input } from "@/components/admin/ui";
import { useDebounced } from "@/components/admin/use-list";
import { ollamaModelNameSchema } from "@/lib/validations/admin";
import type { OllamaVariants } from "@/lib/validations/admin-responses";

/** Install any model by its full name; a curated base name suggests its sizes (…/variants). */
export function InstallByName(props: { disabled: boolean; onInstall: (name: string) => void }) {
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const base = useDebounced(name.trim().split(":")[0]);
  const valid = ollamaModelNameSchema.safeParse(base).success;
  const { data: variants } = useAdminResource<OllamaVariants>(
    valid ? `/api/admin/ollama/models/${encodeURIComponent(base)}/variants` : null,
  );

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const parsed = ollamaModelNameSchema.safeParse(name.trim());
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? "Not a model name");
    setError(null);
    props.onInstall(parsed.data);
  }

  return (
    <form onSubmit={submit} className="space-y-2" data-testid="ollama-install-form">
      <div className="flex flex-wrap items-end gap-2">
        <div className="min-w-0 flex-1 basis-56">
          <Field label="Model name">
            <Input
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="llama3.2:1b"
              data-testid="ollama-install-name"
              autoComplete="off"
              spellCheck={false}
            />
          </Field>
        </div>
        <Button
          type="submit"
          variant="primary"
          disabled={props.disabled || !name.trim()}
          data-testid="ollama-install-submit"
        >
          Install
        </Button>
      </div>
      <p className="text-xs text-zinc-500">
        Any name from ollama.com/library, with or without a tag, e.g. qwen2.5:0.5b.
      </p>
      {variants && variants.name === base && (
        <div className="flex flex-wrap items-center gap-1 text-sm" data-testid="ollama-variant-suggestions">
          <span className="text-zinc-500">Sizes of {variants.name}:</span>
          {variants.variants.map((v) => (
            <button
              key={v.name}
              type="button"
              onClick={() => setName(v.name)}
              className="rounded border border-zinc-300 px-1.5 py-0.5 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
            >
              {v.tag} · {v.size}
            </button>
          ))}
        </div>
      )}
      <ErrorNote error={error} />
    </form>
  );
}
