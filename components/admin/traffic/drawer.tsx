"use client";

import { useId } from "react";
import { useModalDialog } from "@/components/chat/dialog";

/** A panel sliding over the right edge (full width on phones), on the native modal <dialog>. */
export function Drawer(props: {
  open: boolean;
  onClose: () => void;
  title: string;
  actions?: React.ReactNode;
  children: React.ReactNode;
}) {
  const ref = useModalDialog(props.open);
  const titleId = useId();
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={props.onClose}
      className="fixed inset-y-0 right-0 left-auto m-0 h-dvh max-h-none w-full max-w-3xl overflow-y-auto border-l border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100"
    >
      <div className="sticky top-0 z-10 flex items-center justify-between gap-2 border-b border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-950">
        <h2 id={titleId} className="truncate text-lg font-semibold">
          {props.title}
        </h2>
        <div className="flex shrink-0 items-center gap-2">
          {props.actions}
          <button
            type="button"
            onClick={props.onClose}
            aria-label="Close"
            className="rounded-lg px-2 py-1 text-lg leading-none hover:bg-zinc-100 dark:hover:bg-zinc-800"
          >
            ×
          </button>
        </div>
      </div>
      {props.open && <div className="p-4">{props.children}</div>}
    </dialog>
  );
}
