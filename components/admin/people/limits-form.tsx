"use client";

import { useState } from "react";
import { Button, ErrorNote } from "@/components/admin/ui";
import { useSubmit } from "@/components/admin/use-submit";
import type { LimitView } from "@/lib/validations/admin-responses";
import { type LimitChanges, limitChanges, limitValuesFrom } from "./limits";
import { LimitsFields } from "./limits-fields";

/**
 * The limits of one user, group or key as a form: only the fields that changed are sent, an
 * emptied field removes that limit. `save` posts them and throws the server's message.
 */
export function LimitsForm(props: {
  limit: LimitView | null;
  save: (changes: LimitChanges) => Promise<void>;
  testId: string;
}) {
  const [initial, setInitial] = useState(() => limitValuesFrom(props.limit));
  const [values, setValues] = useState(initial);
  const { busy, error, run } = useSubmit("The limits could not be saved");
  const [saved, setSaved] = useState(false);
  const dirty = JSON.stringify(values) !== JSON.stringify(initial);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setSaved(false);
    await run(async () => {
      await props.save(limitChanges(initial, values));
      setInitial(values);
      setSaved(true);
    });
  }

  return (
    <form onSubmit={submit} className="space-y-3" data-testid={props.testId}>
      <LimitsFields
        values={values}
        onChange={(name, value) => setValues((v) => ({ ...v, [name]: value }))}
        testIdPrefix={`${props.testId}`}
        disabled={busy}
      />
      <ErrorNote error={error} />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" disabled={busy || !dirty} data-testid={`${props.testId}-save`}>
          {busy ? "Saving…" : "Save limits"}
        </Button>
        {saved && !dirty && (
          <span role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
            Saved
          </span>
        )}
      </div>
    </form>
  );
}
