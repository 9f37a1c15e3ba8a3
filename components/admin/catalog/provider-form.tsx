"use client";

import { useState } from "react";
import { Button, ErrorNote, Field, Input, Select } from "@/components/admin/ui";
import { useSubmit } from "@/components/admin/use-submit";
import { requestJson } from "@/components/settings/api";
import type { ProviderItem, ProviderKind } from "@/lib/validations/admin-responses";
import { providerCreateSchema, providerUpdateSchema } from "@/lib/validations/providers";
import { firstIssue, optionalText, splitList } from "./form-errors";
import { PROVIDER_KINDS } from "./provider-kinds";

type FormState = { name: string; kind: ProviderKind; baseUrl: string; regions: string; enabled: boolean };

const BASE_URL_HINT: Record<ProviderKind, string> = {
  OPENAI: "Blank for https://api.openai.com/v1.",
  OPENAI_COMPATIBLE: "The API root that serves /chat/completions, e.g. https://example.com/v1.",
  BEDROCK: "Usually blank; Bedrock endpoints come from the regions.",
  OLLAMA: "Blank for http://127.0.0.1:11434.",
};

function toForm(p: ProviderItem | null): FormState {
  return {
    name: p?.name ?? "",
    kind: p?.kind ?? "OPENAI",
    baseUrl: p?.baseUrl ?? "",
    regions: p?.regions.join(", ") ?? "",
    enabled: p?.enabled ?? true,
  };
}

/**
 * Create or edit a provider. Secrets are write-only: the fields start empty, are sent only when
 * typed into (or explicitly cleared), and nothing stored is ever shown back.
 */
export function ProviderForm(props: { provider: ProviderItem | null; onSaved: () => void; onCancel: () => void }) {
  const before = toForm(props.provider);
  const [form, setForm] = useState(before);
  const [apiKey, setApiKey] = useState("");
  const [awsKeyId, setAwsKeyId] = useState("");
  const [awsSecret, setAwsSecret] = useState("");
  const [clearSecrets, setClearSecrets] = useState(false);
  const { busy, error, setError, run } = useSubmit("The provider could not be saved");
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setForm((f) => ({ ...f, [k]: v }));
  const editing = props.provider;
  const bedrock = form.kind === "BEDROCK";
  const hasStoredSecret = editing ? (bedrock ? editing.hasAwsCredentials : editing.hasApiKey) : false;

  function body(): Record<string, unknown> {
    const all: Record<string, unknown> = {
      name: form.name.trim(),
      kind: form.kind,
      baseUrl: optionalText(form.baseUrl) ?? null,
      regions: splitList(form.regions),
      enabled: form.enabled,
    };
    const changed = editing
      ? Object.fromEntries(
          Object.entries(all).filter(([k]) => form[k as keyof FormState] !== before[k as keyof FormState]),
        )
      : all;
    if (clearSecrets) return { ...changed, apiKey: null, awsAccessKeyId: null, awsSecretAccessKey: null };
    if (bedrock) {
      if (awsKeyId) changed.awsAccessKeyId = awsKeyId;
      if (awsSecret) changed.awsSecretAccessKey = awsSecret;
    } else if (apiKey) {
      changed.apiKey = apiKey;
    }
    return changed;
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const payload = body();
    if (editing && Object.keys(payload).length === 0) return props.onCancel();
    const parsed = (editing ? providerUpdateSchema : providerCreateSchema).safeParse(payload);
    if (!parsed.success) return setError(firstIssue(parsed.error));
    await run(async () => {
      const url = editing ? "/api/admin/provider/update" : "/api/admin/provider/create";
      await requestJson(url, {
        method: "POST",
        body: JSON.stringify(editing ? { id: editing.id, ...payload } : payload),
      });
      props.onSaved();
    });
  }

  const secretPlaceholder = hasStoredSecret ? "Stored — leave blank to keep" : "Not set";
  return (
    <form onSubmit={submit} className="space-y-3" data-testid="provider-form" autoComplete="off">
      <Field label="Name" hint="Letters, digits, . _ - only.">
        <Input required value={form.name} onChange={(e) => set("name", e.target.value)} data-testid="provider-name" />
      </Field>
      <Field label="Kind">
        <Select
          value={form.kind}
          onChange={(e) => set("kind", e.target.value as ProviderKind)}
          data-testid="provider-kind"
        >
          {PROVIDER_KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Base URL" hint={BASE_URL_HINT[form.kind]}>
        <Input
          type="url"
          value={form.baseUrl}
          onChange={(e) => set("baseUrl", e.target.value)}
          placeholder="https://…"
          data-testid="provider-base-url"
        />
      </Field>
      {bedrock ? (
        <>
          <Field label="AWS access key id" hint="Write-only. Blank uses the server's AWS credentials.">
            <Input
              type="password"
              autoComplete="new-password"
              value={awsKeyId}
              onChange={(e) => setAwsKeyId(e.target.value)}
              placeholder={secretPlaceholder}
              disabled={clearSecrets}
            />
          </Field>
          <Field label="AWS secret access key" hint="Write-only.">
            <Input
              type="password"
              autoComplete="new-password"
              value={awsSecret}
              onChange={(e) => setAwsSecret(e.target.value)}
              placeholder={secretPlaceholder}
              disabled={clearSecrets}
            />
          </Field>
          <Field label="Regions" hint="Comma-separated, tried in order, e.g. us-east-1, us-west-2.">
            <Input
              value={form.regions}
              onChange={(e) => set("regions", e.target.value)}
              data-testid="provider-regions"
            />
          </Field>
        </>
      ) : (
        <Field
          label="API key"
          hint={
            form.kind === "OLLAMA"
              ? "Usually blank for Ollama. Write-only."
              : "Write-only: it is stored encrypted and never shown again."
          }
        >
          <Input
            type="password"
            autoComplete="new-password"
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            placeholder={secretPlaceholder}
            disabled={clearSecrets}
            data-testid="provider-api-key"
          />
        </Field>
      )}
      {hasStoredSecret && (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={clearSecrets} onChange={(e) => setClearSecrets(e.target.checked)} /> Remove
          the stored credentials
        </label>
      )}
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={form.enabled}
          onChange={(e) => set("enabled", e.target.checked)}
          data-testid="provider-enabled"
        />{" "}
        Enabled
      </label>
      <ErrorNote error={error} />
      <div className="flex justify-end gap-2">
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={busy} data-testid="provider-save">
          {busy ? "Saving…" : editing ? "Save" : "Create provider"}
        </Button>
      </div>
    </form>
  );
}
