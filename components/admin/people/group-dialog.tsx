"use client";

import { useState } from "react";
import { Button, ErrorNote, Field, Input, Textarea } from "@/components/admin/ui";
import { useSubmit } from "@/components/admin/use-submit";
import { Dialog } from "@/components/chat/dialog";
import { requestJson } from "@/components/settings/api";
import type { GroupItem } from "@/lib/validations/admin-responses";
import { emptyLimitValues, limitChanges, limitValuesFrom } from "./limits";
import { LimitsFields } from "./limits-fields";

/** Create a group (`group` null) or edit one: name, description and its shared limits. */
export function GroupDialog(props: {
  open: boolean;
  group: GroupItem | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      title={props.group ? `Edit ${props.group.name}` : "New group"}
      testId="group-dialog"
    >
      <GroupForm group={props.group} onCancel={props.onClose} onSaved={props.onSaved} />
    </Dialog>
  );
}

function GroupForm(props: { group: GroupItem | null; onCancel: () => void; onSaved: () => void }) {
  const { group } = props;
  const [name, setName] = useState(group?.name ?? "");
  const [description, setDescription] = useState(group?.description ?? "");
  const [initialLimits] = useState(() => (group ? limitValuesFrom(group.limit) : emptyLimitValues()));
  const [limits, setLimits] = useState(initialLimits);
  const { busy, error, run } = useSubmit("The group could not be saved");

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    await run(async () => {
      const changes = limitChanges(initialLimits, limits);
      if (group) {
        const body = {
          id: group.id,
          ...(name.trim() !== group.name ? { name: name.trim() } : {}),
          ...(description.trim() !== group.description ? { description: description.trim() } : {}),
          ...changes,
        };
        if (Object.keys(body).length > 1)
          await requestJson("/api/admin/group/update", { method: "POST", body: JSON.stringify(body) });
      } else {
        await requestJson("/api/admin/group/create", {
          method: "POST",
          body: JSON.stringify({ name: name.trim(), description: description.trim(), ...changes }),
        });
      }
      props.onSaved();
    });
  }

  return (
    <form onSubmit={submit} className="max-h-[70vh] space-y-3 overflow-y-auto pr-1" data-testid="group-form">
      <Field label="Name">
        <Input
          name="name"
          required
          maxLength={64}
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="group-name"
        />
      </Field>
      <Field label="Description (optional)">
        <Textarea
          name="description"
          rows={2}
          maxLength={500}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          data-testid="group-description"
        />
      </Field>
      <fieldset>
        <legend className="mb-2 text-sm font-medium">Shared limits</legend>
        <p className="mb-2 text-xs text-zinc-500">
          Every member&apos;s requests must also pass these. Empty means no limit.
        </p>
        <LimitsFields
          values={limits}
          onChange={(n, v) => setLimits((l) => ({ ...l, [n]: v }))}
          testIdPrefix="group-limit"
          disabled={busy}
        />
      </fieldset>
      <ErrorNote error={error} />
      <div className="flex justify-end gap-2">
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={busy} data-testid="group-submit">
          {busy ? "Saving…" : group ? "Save group" : "Create group"}
        </Button>
      </div>
    </form>
  );
}
