"use client";

import { useState } from "react";
import { Button, ErrorNote, Field, Input, Select, Textarea } from "@/components/admin/ui";
import { useSubmit } from "@/components/admin/use-submit";
import { requestJson } from "@/components/settings/api";
import type { ModelItem, ModelKind, ProviderItem } from "@/lib/validations/admin-responses";
import { modelCreateSchema, modelUpdateSchema } from "@/lib/validations/providers";
import { firstIssue, optionalText, splitList } from "./form-errors";

type FormState = {
  publicId: string;
  providerId: string;
  upstreamId: string;
  kind: ModelKind;
  description: string;
  inputPrice: string;
  outputPrice: string;
  cachedInputPrice: string;
  contextWindow: string;
  maxOutputTokens: string;
  supportsImages: boolean;
  supportsTools: boolean;
  enabled: boolean;
  fallbacks: string;
};

/** "0.150000" → "0.15": the API sends six decimals, people type fewer. */
const trimPrice = (p: string | null) =>
  p === null ? "" : p.includes(".") ? p.replace(/0+$/, "").replace(/\.$/, "") : p;

function toForm(m: ModelItem | null, providerId: string): FormState {
  return {
    publicId: m?.publicId ?? "",
    providerId: m?.providerId ?? providerId,
    upstreamId: m?.upstreamId ?? "",
    kind: m?.kind ?? "CHAT",
    description: m?.description ?? "",
    inputPrice: trimPrice(m?.inputPrice ?? "0"),
    outputPrice: trimPrice(m?.outputPrice ?? "0"),
    cachedInputPrice: trimPrice(m?.cachedInputPrice ?? null),
    contextWindow: m?.contextWindow?.toString() ?? "",
    maxOutputTokens: m?.maxOutputTokens?.toString() ?? "",
    supportsImages: m?.supportsImages ?? false,
    supportsTools: m?.supportsTools ?? false,
    enabled: m?.enabled ?? true,
    fallbacks: m?.fallbacks.join(", ") ?? "",
  };
}

const optionalInt = (s: string) => (s.trim() === "" ? null : Number(s));

/** The request body: every field (create), or only those that changed (update). */
function toBody(f: FormState, before: FormState | null): Record<string, unknown> {
  const all: Record<keyof FormState, unknown> = {
    publicId: f.publicId.trim(),
    providerId: f.providerId,
    upstreamId: f.upstreamId.trim(),
    kind: f.kind,
    description: f.description,
    inputPrice: optionalText(f.inputPrice) ?? "0",
    outputPrice: optionalText(f.outputPrice) ?? "0",
    cachedInputPrice: optionalText(f.cachedInputPrice) ?? null,
    contextWindow: optionalInt(f.contextWindow),
    maxOutputTokens: optionalInt(f.maxOutputTokens),
    supportsImages: f.supportsImages,
    supportsTools: f.supportsTools,
    enabled: f.enabled,
    fallbacks: splitList(f.fallbacks),
  };
  if (!before) return all;
  return Object.fromEntries(
    (Object.keys(all) as Array<keyof FormState>).filter((k) => f[k] !== before[k]).map((k) => [k, all[k]]),
  );
}

/** Create or edit one catalog model; prices are per million tokens, exact decimals. */
export function ModelForm(props: {
  model: ModelItem | null;
  providers: ProviderItem[];
  onSaved: () => void;
  onCancel: () => void;
}) {
  const initial = toForm(props.model, props.providers[0]?.id ?? "");
  const [form, setForm] = useState(initial);
  const { busy, error, setError, run } = useSubmit("The model could not be saved");
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setForm((f) => ({ ...f, [k]: v }));

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const body = toBody(form, props.model ? initial : null);
    if (props.model && Object.keys(body).length === 0) return props.onCancel();
    const parsed = (props.model ? modelUpdateSchema : modelCreateSchema).safeParse(body);
    if (!parsed.success) return setError(firstIssue(parsed.error));
    await run(async () => {
      const url = props.model ? "/api/admin/model/update" : "/api/admin/model/create";
      await requestJson(url, {
        method: "POST",
        body: JSON.stringify(props.model ? { id: props.model.id, ...body } : body),
      });
      props.onSaved();
    });
  }

  return (
    <form onSubmit={submit} className="space-y-3" data-testid="model-form">
      <Field label="Public id" hint="What clients send as `model`.">
        <Input
          required
          value={form.publicId}
          onChange={(e) => set("publicId", e.target.value)}
          data-testid="model-public-id"
        />
      </Field>
      <Field label="Provider">
        <Select
          required
          value={form.providerId}
          onChange={(e) => set("providerId", e.target.value)}
          data-testid="model-provider"
        >
          {props.providers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Upstream id" hint="The provider's own name for the model.">
        <Input
          required
          value={form.upstreamId}
          onChange={(e) => set("upstreamId", e.target.value)}
          data-testid="model-upstream-id"
        />
      </Field>
      <Field
        label="Kind"
        hint="Chat models answer chat completions and messages; embedding models answer /v1/embeddings (billed at the input price)."
      >
        <Select value={form.kind} onChange={(e) => set("kind", e.target.value as ModelKind)} data-testid="model-kind">
          <option value="CHAT">Chat</option>
          <option value="EMBEDDING">Embedding</option>
        </Select>
      </Field>
      <Field label="Description">
        <Textarea rows={2} value={form.description} onChange={(e) => set("description", e.target.value)} />
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Input $ / 1M tokens">
          <Input
            inputMode="decimal"
            value={form.inputPrice}
            onChange={(e) => set("inputPrice", e.target.value)}
            data-testid="model-input-price"
          />
        </Field>
        <Field label="Output $ / 1M tokens">
          <Input
            inputMode="decimal"
            value={form.outputPrice}
            onChange={(e) => set("outputPrice", e.target.value)}
            data-testid="model-output-price"
          />
        </Field>
      </div>
      <Field label="Cached input $ / 1M tokens" hint="Blank: same as input.">
        <Input
          inputMode="decimal"
          value={form.cachedInputPrice}
          onChange={(e) => set("cachedInputPrice", e.target.value)}
        />
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Context window (tokens)">
          <Input
            inputMode="numeric"
            value={form.contextWindow}
            onChange={(e) => set("contextWindow", e.target.value)}
          />
        </Field>
        <Field label="Max output tokens">
          <Input
            inputMode="numeric"
            value={form.maxOutputTokens}
            onChange={(e) => set("maxOutputTokens", e.target.value)}
          />
        </Field>
      </div>
      <Field label="Fallbacks" hint="Public ids tried in order when this model fails, comma-separated (at most 8).">
        <Input value={form.fallbacks} onChange={(e) => set("fallbacks", e.target.value)} />
      </Field>
      <div className="flex flex-wrap gap-4 text-sm">
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={form.supportsImages}
            onChange={(e) => set("supportsImages", e.target.checked)}
          />{" "}
          Accepts images
        </label>
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={form.supportsTools}
            onChange={(e) => set("supportsTools", e.target.checked)}
            data-testid="model-supports-tools"
          />{" "}
          Calls tools (functions)
        </label>
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={form.enabled}
            onChange={(e) => set("enabled", e.target.checked)}
            data-testid="model-enabled"
          />{" "}
          Enabled
        </label>
      </div>
      <ErrorNote error={error} />
      <div className="flex justify-end gap-2">
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={busy} data-testid="model-save">
          {busy ? "Saving…" : props.model ? "Save" : "Create model"}
        </Button>
      </div>
    </form>
  );
}
