"use client";

import { useState } from "react";
import { limitChanges, limitValuesFrom } from "@/components/admin/people/limits";
import { LimitsFields } from "@/components/admin/people/limits-fields";
import { Button, ErrorNote, Field, Input, Select } from "@/components/admin/ui";
import { useSubmit } from "@/components/admin/use-submit";
import { Dialog } from "@/components/chat/dialog";
import { requestJson } from "@/components/settings/api";
import type { KeyItem, Role } from "@/lib/validations/admin-responses";
import { dateFromExpiry, expiryFromDate } from "./dates";
import { ModelPicker } from "./model-picker";

/** Edit a key's name, expiry, role, models and own limits → POST /api/admin/api-key/update (changed fields only). */
export function EditKeyDialog(props: { apiKey: KeyItem | null; onClose: () => void; onSaved: () => void }) {
  return (
    <Dialog
      open={props.apiKey !== null}
      onClose={props.onClose}
      title={props.apiKey ? `Edit ${props.apiKey.name}` : "Edit key"}
      testId="edit-key-dialog"
    >
      {props.apiKey && (
        <EditKeyForm key={props.apiKey.id} apiKey={props.apiKey} onCancel={props.onClose} onSaved={props.onSaved} />
      )}
    </Dialog>
  );
}

const sameList = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

function EditKeyForm({ apiKey, onCancel, onSaved }: { apiKey: KeyItem; onCancel: () => void; onSaved: () => void }) {
  const initialExpiry = dateFromExpiry(apiKey.expiresAt);
  const [initialLimits] = useState(() => limitValuesFrom(apiKey.limit));
  const [name, setName] = useState(apiKey.name);
  const [expiry, setExpiry] = useState(initialExpiry);
  const [role, setRole] = useState<Role>(apiKey.role);
  const [models, setModels] = useState(apiKey.allowedModels);
  const [limits, setLimits] = useState(initialLimits);
  const { busy, error, run } = useSubmit("The key could not be saved");

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    await run(async () => {
      const body = {
        id: apiKey.id,
        ...(name.trim() !== apiKey.name ? { name: name.trim() } : {}),
        ...(expiry !== initialExpiry ? { expiry: expiryFromDate(expiry) } : {}),
        ...(role !== apiKey.role ? { role } : {}),
        ...(!sameList(models, apiKey.allowedModels) ? { models } : {}),
        ...limitChanges(initialLimits, limits),
      };
      if (Object.keys(body).length > 1)
        await requestJson("/api/admin/api-key/update", { method: "POST", body: JSON.stringify(body) });
      onSaved();
    });
  }

  return (
    <form onSubmit={submit} className="max-h-[70vh] space-y-3 overflow-y-auto pr-1" data-testid="edit-key-form">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {apiKey.user.email} · <span className="font-mono">{apiKey.prefix}…</span>
      </p>
      <Field label="Name">
        <Input
          name="name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="edit-key-name"
        />
      </Field>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field label="Expires" hint="Empty: never expires.">
          <Input
            type="date"
            name="expiry"
            value={expiry}
            onChange={(e) => setExpiry(e.target.value)}
            data-testid="edit-key-expiry"
          />
        </Field>
        <Field label="Role">
          <Select
            name="role"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            data-testid="edit-key-role"
          >
            <option value="USER">User</option>
            <option value="ADMIN">Admin</option>
          </Select>
        </Field>
      </div>
      <ModelPicker value={models} onChange={setModels} testIdPrefix="edit-key" />
      <fieldset>
        <legend className="mb-2 text-sm font-medium">The key&apos;s own limits</legend>
        <p className="mb-2 text-xs text-zinc-500">
          Empty means no limit on the key; the owner&apos;s and group&apos;s limits apply as well. To add money with a
          payment record, use Recharge.
        </p>
        <LimitsFields
          values={limits}
          onChange={(n, v) => setLimits((l) => ({ ...l, [n]: v }))}
          testIdPrefix="edit-key-limit"
          disabled={busy}
        />
      </fieldset>
      <ErrorNote error={error} />
      <div className="flex justify-end gap-2">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={busy} data-testid="edit-key-submit">
          {busy ? "Saving…" : "Save key"}
        </Button>
      </div>
    </form>
  );
}
