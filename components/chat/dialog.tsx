"use client";

import { useEffect, useId, useRef, useState } from "react";

/** Opens and closes a native modal <dialog> with `open`: focus is trapped, Escape closes it, the page behind is inert. */
export function useModalDialog(open: boolean) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return ref;
}

/** A modal on the native <dialog>. */
export function Dialog(props: {
  open: boolean;
  onClose: () => void;
  title: string;
  testId?: string;
  children: React.ReactNode;
}) {
  const ref = useModalDialog(props.open);
  const titleId = useId();
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid={props.testId}
      onClose={props.onClose}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-2xl border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <h2 id={titleId} className="text-lg font-semibold">
        {props.title}
      </h2>
      {props.open && <div className="mt-3">{props.children}</div>}
    </dialog>
  );
}

/** "Are you sure?" with a cancel and a (usually destructive) confirm button. */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  message: React.ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<void> | void;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      props.onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : "That did not work; try again");
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog open={props.open} onClose={props.onClose} title={props.title} testId="confirm-dialog">
      <div className="text-sm text-zinc-600 dark:text-zinc-300">{props.message}</div>
      {error && (
        <p role="alert" className="mt-3 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      <div className="mt-5 flex justify-end gap-2">
        <button
          type="button"
          onClick={props.onClose}
          className="rounded-lg border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-600 dark:hover:bg-zinc-800"
        >
          Cancel
        </button>
        <button
          type="button"
          data-testid="confirm-button"
          disabled={busy}
          onClick={confirm}
          className="rounded-lg bg-red-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-700 disabled:opacity-60"
        >
          {busy ? "Working…" : props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
