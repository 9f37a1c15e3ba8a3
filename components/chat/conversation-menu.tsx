"use client";

import { useEffect, useRef, useState } from "react";
import { useCopy } from "@/lib/hooks/use-copy";
import { Dialog } from "./dialog";

const item = "block w-full rounded-lg px-3 py-2 text-left text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800";

type ShareState = { shared: boolean; url: string | null };

async function errorOf(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `The server answered ${res.status}`;
}

/** The share dialog: make a read-only link (shown once, copyable) or revoke the one there is. */
function ShareDialog({ sessionId, open, onClose }: { sessionId: string; open: boolean; onClose: () => void }) {
  const [state, setState] = useState<ShareState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { copied, copy } = useCopy();
  const base = `/api/chat/sessions/${encodeURIComponent(sessionId)}/share`;
  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    void fetch(base, { cache: "no-store" }).then(async (res) => {
      if (cancelled) return;
      if (!res.ok) return setError(await errorOf(res));
      const body = (await res.json()) as { shared: boolean };
      setState({ shared: body.shared, url: null });
    });
    return () => {
      cancelled = true;
    };
  }, [open, base]);

  async function act(method: "POST" | "DELETE") {
    setError(null);
    const res = await fetch(base, { method });
    if (!res.ok) return setError(await errorOf(res));
    if (method === "DELETE") return setState({ shared: false, url: null });
    const body = (await res.json()) as { path: string };
    setState({ shared: true, url: new URL(body.path, window.location.origin).toString() });
  }

  return (
    <Dialog open={open} onClose={onClose} title="Share this conversation" testId="share-dialog">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Anyone with the link can read this conversation as it is now and as it grows. You can revoke the link at any
        time.
      </p>
      {state?.url && (
        <div className="mt-3 flex gap-2">
          <input
            readOnly
            data-testid="share-url"
            value={state.url}
            aria-label="Share link"
            className="min-w-0 flex-1 rounded-lg border border-zinc-300 bg-zinc-50 px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-950"
            onFocus={(e) => e.currentTarget.select()}
          />
          <button
            type="button"
            onClick={() => void copy(state.url!)}
            className="rounded-lg border border-zinc-300 px-3 text-sm dark:border-zinc-700"
          >
            {copied ? "Copied" : "Copy"}
          </button>
        </div>
      )}
      {state?.shared && !state.url && (
        <p className="mt-3 text-sm" data-testid="share-active">
          This conversation is shared. A new link replaces the old one.
        </p>
      )}
      {error && (
        <p role="alert" className="mt-3 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      <div className="mt-4 flex flex-wrap justify-end gap-2 text-sm">
        {state?.shared && (
          <button
            type="button"
            data-testid="share-revoke"
            onClick={() => void act("DELETE")}
            className="rounded-lg px-3 py-1.5 text-red-700 hover:bg-red-50 dark:text-red-400 dark:hover:bg-red-950"
          >
            Revoke link
          </button>
        )}
        <button
          type="button"
          onClick={onClose}
          className="rounded-lg px-3 py-1.5 hover:bg-zinc-100 dark:hover:bg-zinc-800"
        >
          Close
        </button>
        <button
          type="button"
          data-testid="share-create"
          disabled={!state}
          onClick={() => void act("POST")}
          className="rounded-lg bg-zinc-900 px-3 py-1.5 font-medium text-white disabled:opacity-40 dark:bg-zinc-100 dark:text-zinc-900"
        >
          {state?.shared ? "New link" : "Create link"}
        </button>
      </div>
    </Dialog>
  );
}

/** "⋯" beside the conversation's title: export as Markdown or JSON, share as a read-only link. */
export function ConversationMenu({ sessionId, canShare }: { sessionId: string; canShare: boolean }) {
  const [open, setOpen] = useState(false);
  const [sharing, setSharing] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => !box.current?.contains(e.target as Node) && setOpen(false);
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("pointerdown", onPointer, true);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer, true);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);
  const exportUrl = (format: string) => `/api/chat/sessions/${encodeURIComponent(sessionId)}/export?format=${format}`;
  return (
    <div ref={box} className="relative">
      <button
        type="button"
        data-testid="conversation-menu"
        aria-label="Conversation options"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        className="rounded-lg px-2 py-1 text-lg leading-none text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
      >
        ⋯
      </button>
      {open && (
        <div
          role="menu"
          className="absolute right-0 z-40 mt-1 w-52 rounded-xl border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          <a
            role="menuitem"
            data-testid="export-markdown"
            href={exportUrl("markdown")}
            download
            className={item}
            onClick={() => setOpen(false)}
          >
            Export as Markdown
          </a>
          <a
            role="menuitem"
            data-testid="export-json"
            href={exportUrl("json")}
            download
            className={item}
            onClick={() => setOpen(false)}
          >
            Export as JSON
          </a>
          {canShare && (
            <button
              type="button"
              role="menuitem"
              data-testid="share-open"
              className={item}
              onClick={() => {
                setOpen(false);
                setSharing(true);
              }}
            >
              Share link…
            </button>
          )}
        </div>
      )}
      <ShareDialog sessionId={sessionId} open={sharing} onClose={() => setSharing(false)} />
    </div>
  );
}
