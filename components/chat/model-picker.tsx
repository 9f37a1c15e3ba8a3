"use client";

import type { ChatModel } from "@/lib/hooks/use-models";

/** "$0.15" from "0.150000": prices per million tokens, without trailing zeros beyond the cents. */
export function formatPrice(value: string): string {
  const [whole, frac = ""] = value.split(".");
  const trimmed = frac.replace(/0+$/, "");
  return `$${whole}.${trimmed.length < 2 ? trimmed.padEnd(2, "0") : trimmed}`;
}

export function modelLabel(m: ChatModel): string {
  const price = `${formatPrice(m.pricing.input_per_million)} in / ${formatPrice(m.pricing.output_per_million)} out per 1M tokens`;
  return `${m.id} — ${price}${m.supports_images ? " · images" : ""}`;
}

export function ModelPicker({ models, value, onChange, disabled }: { models: ChatModel[]; value: string; onChange: (id: string) => void; disabled?: boolean }) {
  const current = models.find((m) => m.id === value);
  return (
    <label className="flex min-w-0 items-center gap-2 text-sm">
      <span className="sr-only">Model</span>
      <select
        data-testid="model-picker"
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        title={current ? modelLabel(current) : undefined}
        className="min-w-0 max-w-full truncate rounded-lg border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      >
        {models.map((m) => (
          <option key={m.id} value={m.id}>
            {modelLabel(m)}
          </option>
        ))}
      </select>
    </label>
  );
}
