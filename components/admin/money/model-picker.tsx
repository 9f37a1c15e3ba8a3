"use client";

import { useModelOptions } from "./use-model-options";

/** Checkboxes for a key's allowed models; none ticked means every model. */
export function ModelPicker(props: { value: string[]; onChange: (models: string[]) => void; testIdPrefix: string }) {
  const { models, error } = useModelOptions();
  // Models the key already allows but that no longer exist stay visible so they can be unticked.
  const options = [...new Set([...(models ?? []), ...props.value])].sort();
  return (
    <fieldset className="text-sm">
      <legend className="mb-1 font-medium">Models (none ticked: every model)</legend>
      {error ? (
        <p className="text-xs text-red-600 dark:text-red-400">The models could not be loaded: {error}</p>
      ) : models === null ? (
        <p className="text-xs text-zinc-500">Loading models…</p>
      ) : options.length === 0 ? (
        <p className="text-xs text-zinc-500">No models are configured yet.</p>
      ) : (
        <div className="flex max-h-40 flex-col gap-1 overflow-y-auto rounded-lg border border-zinc-200 p-2 dark:border-zinc-800">
          {options.map((m) => (
            <label key={m} className="flex items-center gap-2">
              <input
                type="checkbox"
                value={m}
                checked={props.value.includes(m)}
                onChange={(e) =>
                  props.onChange(e.target.checked ? [...props.value, m] : props.value.filter((x) => x !== m))
                }
                data-testid={`${props.testIdPrefix}-model`}
              />
              <span className="break-all font-mono text-xs">{m}</span>
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}
