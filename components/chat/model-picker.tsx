"use client";

import { useEffect, useId, useMemo, useRef, useState } from "react";
import { displayMoney } from "@/lib/billing/money";
import type { ChatModel } from "@/lib/hooks/use-models";

export function modelPrice(m: ChatModel): string {
  return `${displayMoney(m.pricing.input_per_million)} in / ${displayMoney(m.pricing.output_per_million)} out per 1M tokens`;
}

const BADGE_TONES = {
  images: "bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-300",
  tools: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300",
  files: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  free: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
} as const;

const BADGE_TITLES: Record<keyof typeof BADGE_TONES, string> = {
  images: "Reads attached images",
  tools: "Can call tools (functions)",
  files: "Reads attached documents (PDF, Word, text, code) as text",
  free: "No charge",
};

function Badges({ model }: { model: ChatModel }) {
  const free = Number(model.pricing.input_per_million) === 0 && Number(model.pricing.output_per_million) === 0;
  const shown = (
    [
      ["images", model.supports_images],
      ["tools", model.supports_tools],
      ["files", model.supports_files],
      ["free", free],
    ] as const
  ).filter(([, on]) => on);
  return (
    <span className="flex shrink-0 gap-1">
      {shown.map(([name]) => (
        <span
          key={name}
          data-testid={`model-badge-${name}`}
          title={BADGE_TITLES[name]}
          className={`rounded px-1.5 text-[10px] font-semibold uppercase ${BADGE_TONES[name]}`}
        >
          {name}
        </span>
      ))}
    </span>
  );
}

function matches(m: ChatModel, q: string): boolean {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const text = `${m.id} ${m.description}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

/**
 * The model menu: a button showing the current model; a popover (a sheet on phones) to search by
 * name or description, with ↑/↓, Enter and Escape, each model with its badges and its price.
 */
export function ModelPicker({
  models,
  value,
  onChange,
  disabled,
}: {
  models: ChatModel[];
  value: string;
  onChange: (id: string) => void;
  disabled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const listId = useId();
  const current = models.find((m) => m.id === value);
  const shown = useMemo(() => models.filter((m) => matches(m, query)), [models, query]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => !box.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener("pointerdown", onPointer, true);
    return () => document.removeEventListener("pointerdown", onPointer, true);
  }, [open]);

  useEffect(() => {
    list.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: "nearest" });
  }, [active, open]);

  function show() {
    setQuery("");
    setActive(
      Math.max(
        0,
        models.findIndex((m) => m.id === value),
      ),
    );
    setOpen(true);
  }

  function choose(id: string) {
    onChange(id);
    setOpen(false);
  }

  function onKey(e: React.KeyboardEvent) {
    if (e.key === "ArrowDown") setActive((i) => Math.min(shown.length - 1, i + 1));
    else if (e.key === "ArrowUp") setActive((i) => Math.max(0, i - 1));
    else if (e.key === "Enter" && shown[active]) choose(shown[active].id);
    else if (e.key === "Escape") setOpen(false);
    else return;
    e.preventDefault();
  }

  return (
    <div ref={box} className="relative min-w-0">
      <button
        type="button"
        data-testid="model-picker"
        data-value={value}
        disabled={disabled}
        aria-haspopup="listbox"
        aria-expanded={open}
        title={current ? `${current.id} — ${modelPrice(current)}` : undefined}
        onClick={() => (open ? setOpen(false) : show())}
        className="flex min-w-0 max-w-full items-center gap-1 rounded-lg border border-zinc-300 bg-white px-2 py-1.5 text-sm disabled:opacity-50 dark:border-zinc-700 dark:bg-zinc-900"
      >
        <span className="sr-only">Model: </span>
        <span className="min-w-0 truncate">{current?.id ?? "Choose a model"}</span>
        <span aria-hidden="true" className="text-zinc-400">
          ▾
        </span>
      </button>
      {open && (
        <div
          data-testid="model-menu"
          className="fixed inset-x-2 top-16 z-50 flex max-h-[70dvh] flex-col rounded-xl border border-zinc-200 bg-white shadow-xl sm:absolute sm:inset-x-auto sm:right-0 sm:top-auto sm:mt-1 sm:w-96 dark:border-zinc-700 dark:bg-zinc-900"
        >
          <input
            autoFocus
            data-testid="model-search"
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-activedescendant={shown[active] ? `${listId}-${active}` : undefined}
            aria-label="Search models"
            placeholder="Search models"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setActive(0);
            }}
            onKeyDown={onKey}
            className="m-2 rounded-lg border border-zinc-300 bg-transparent px-2 py-1.5 text-base outline-none focus:border-zinc-500 sm:text-sm dark:border-zinc-700"
          />
          <ul
            ref={list}
            id={listId}
            role="listbox"
            aria-label="Models"
            className="min-h-0 flex-1 overflow-y-auto px-1 pb-1"
          >
            {shown.length === 0 && (
              <li className="px-3 py-4 text-center text-sm text-zinc-500">No model matches “{query}”.</li>
            )}
            {shown.map((m, i) => (
              <li
                key={m.id}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={m.id === value}
                data-testid="model-option"
                data-model-id={m.id}
                data-index={i}
                data-active={i === active}
                onPointerMove={() => setActive(i)}
                onClick={() => choose(m.id)}
                className={`cursor-pointer rounded-lg px-3 py-2 text-sm ${i === active ? "bg-zinc-100 dark:bg-zinc-800" : ""}`}
              >
                <span className="flex items-center gap-2">
                  <span className={`min-w-0 flex-1 truncate ${m.id === value ? "font-semibold" : "font-medium"}`}>
                    {m.id}
                  </span>
                  <Badges model={m} />
                </span>
                {m.description && (
                  <span className="mt-0.5 line-clamp-2 block text-xs text-zinc-500">{m.description}</span>
                )}
                <span data-testid="model-price" className="mt-0.5 block text-xs tabular-nums text-zinc-500">
                  {modelPrice(m)}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
