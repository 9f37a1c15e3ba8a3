"use client";

import { Button } from "@/components/admin/ui";
import { useCopy } from "@/lib/hooks/use-copy";
import type { KeyApplyResult } from "@/lib/validations/admin-responses";

/** The new key's secret, shown this once, with what else happened (new user, mail). */
export function IssuedKey({ result, onDone }: { result: KeyApplyResult; onDone: () => void }) {
  const { copied, copy } = useCopy();
  return (
    <div className="space-y-3" data-testid="issued-key" data-key-id={result.api_key.id} data-user-id={result.user.id}>
      <p className="text-sm">
        Key <strong>{result.api_key.name}</strong> issued to <strong>{result.user.email}</strong>
        {result.created_user ? " (a new user, without a password yet)" : ""}.
      </p>
      <p className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200">
        Copy the key now: it is not stored and will not be shown again.
      </p>
      <div className="flex items-start gap-2">
        <code
          className="min-w-0 flex-1 select-all break-all rounded-lg bg-zinc-100 px-3 py-2 font-mono text-xs dark:bg-zinc-800"
          data-testid="issued-key-value"
        >
          {result.key}
        </code>
        <Button onClick={() => void copy(result.key)} data-testid="issued-key-copy">
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
      <p className="text-xs text-zinc-500" data-testid="issued-key-mail">
        {result.mail.sent
          ? `The key was also mailed to ${result.user.email}.`
          : `No mail was sent${result.mail.reason ? `: ${result.mail.reason}` : ""}.`}
      </p>
      <p className="text-xs text-zinc-500">
        Key id:{" "}
        <span className="font-mono" data-testid="issued-key-id">
          {result.api_key.id}
        </span>
      </p>
      <div className="flex justify-end">
        <Button variant="primary" onClick={onDone} data-testid="issued-key-done">
          Done
        </Button>
      </div>
    </div>
  );
}
