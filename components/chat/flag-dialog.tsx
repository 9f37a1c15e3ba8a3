"use client";

import { useState } from "react";
import { Dialog } from "./dialog";

/** Asks for an optional reason before a message is flagged for the admins. */
export function FlagDialog({
  open,
  onClose,
  onFlag,
}: {
  open: boolean;
  onClose: () => void;
  onFlag: (reason: string) => Promise<void>;
}) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onFlag(reason.trim());
      setReason("");
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : "The message could not be flagged; try again");
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog open={open} onClose={onClose} title="Flag this message" testId="flag-dialog">
      <form onSubmit={submit} className="space-y-3">
        <p className="text-sm text-zinc-600 dark:text-zinc-300">Administrators will see the flag and your reason.</p>
        <label className="block text-sm">
          <span className="mb-1 block font-medium">Reason (optional)</span>
          <textarea
            data-testid="flag-reason"
            value={reason}
            maxLength={500}
            onChange={(e) => setReason(e.target.value)}
            rows={3}
            className="w-full rounded-lg border border-zinc-300 bg-transparent px-3 py-2 dark:border-zinc-700"
          />
        </label>
        {error && (
          <p role="alert" className="text-sm text-red-600 dark:text-red-400">
            {error}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button
            type="button"
            onClick={onClose}
            className="rounded-lg border border-zinc-300 px-3 py-1.5 text-sm dark:border-zinc-600"
          >
            Cancel
          </button>
          <button
            type="submit"
            data-testid="flag-submit"
            disabled={busy}
            className="rounded-lg bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60 dark:bg-zinc-100 dark:text-zinc-900"
          >
            {busy ? "Flagging…" : "Flag message"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
