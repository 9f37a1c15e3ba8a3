"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { TITLE_MAX } from "@/lib/chat/limits";
import type { SessionItem } from "@/lib/hooks/use-session-list";
import { ConfirmDialog } from "./dialog";
import { EditIcon, TrashIcon } from "./icons";

async function apiError(res: Response): Promise<Error> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return new Error(body?.error?.message ?? `The server answered ${res.status}`);
}

/** One conversation in the sidebar, with rename (inline) and delete (after confirmation). */
export function SessionRow({
  item,
  active,
  onChanged,
  onDeleted,
}: {
  item: SessionItem;
  active: boolean;
  onChanged: () => void;
  onDeleted: () => void;
}) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(item.title);
  const [renamedTo, setRenamedTo] = useState<string | null>(null);
  // The new title shows at once; the list's own copy catches up on its next refresh.
  const title = renamedTo ?? item.title;
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  async function rename() {
    const next = draft.trim();
    setEditing(false);
    if (!next || next === item.title) return;
    setRenamedTo(next);
    const res = await fetch(`/api/chat/sessions/${encodeURIComponent(item.id)}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: next }),
    });
    if (!res.ok) {
      setRenamedTo(null);
      return setError((await apiError(res)).message);
    }
    setError(null);
    onChanged();
  }

  async function remove() {
    const res = await fetch(`/api/chat/sessions/${encodeURIComponent(item.id)}`, { method: "DELETE" });
    if (!res.ok && res.status !== 404) throw await apiError(res);
    onDeleted();
    if (active) router.push("/");
  }

  return (
    <li data-testid="session-item" data-session-id={item.id} data-source={item.source} className="group relative">
      {editing ? (
        <input
          autoFocus
          data-testid="session-rename-input"
          aria-label="Conversation title"
          value={draft}
          maxLength={TITLE_MAX}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={rename}
          onKeyDown={(e) => {
            if (e.key === "Enter") e.currentTarget.blur();
            if (e.key === "Escape") {
              setDraft(item.title);
              setEditing(false);
            }
          }}
          className="w-full rounded-lg border border-zinc-400 bg-white px-2 py-1.5 text-sm dark:bg-zinc-950"
        />
      ) : (
        <Link
          href={`/chat/${item.id}`}
          data-testid="session-link"
          aria-current={active ? "page" : undefined}
          className={`flex items-center gap-2 rounded-lg py-1.5 pl-2 pr-16 text-sm ${active ? "bg-zinc-200 font-medium dark:bg-zinc-800" : "hover:bg-zinc-200/60 dark:hover:bg-zinc-800/60"}`}
        >
          <span className="min-w-0 flex-1 truncate" data-testid="session-title" title={title}>
            {title}
          </span>
          {item.source === "API" && (
            <span
              data-testid="session-api-badge"
              title="Came in through the API"
              className="shrink-0 rounded bg-blue-100 px-1.5 text-[10px] font-semibold uppercase text-blue-800 dark:bg-blue-950 dark:text-blue-300"
            >
              API
            </span>
          )}
        </Link>
      )}
      {!editing && (
        <div className="absolute right-1 top-1/2 flex -translate-y-1/2 gap-0.5 opacity-100 md:opacity-0 md:group-focus-within:opacity-100 md:group-hover:opacity-100">
          <button
            type="button"
            data-testid="session-rename"
            aria-label={`Rename “${title}”`}
            onClick={() => {
              setDraft(title);
              setEditing(true);
            }}
            className="rounded p-1 text-zinc-500 hover:bg-zinc-300 hover:text-zinc-900 dark:hover:bg-zinc-700 dark:hover:text-zinc-100"
          >
            <EditIcon className="h-3.5 w-3.5" />
          </button>
          <button
            type="button"
            data-testid="session-delete"
            aria-label={`Delete “${title}”`}
            onClick={() => setConfirming(true)}
            className="rounded p-1 text-zinc-500 hover:bg-zinc-300 hover:text-red-600 dark:hover:bg-zinc-700"
          >
            <TrashIcon className="h-3.5 w-3.5" />
          </button>
        </div>
      )}
      {error && (
        <p role="alert" className="px-2 text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          open
          onClose={() => setConfirming(false)}
          title="Delete this conversation?"
          message={<>“{title}” and all its messages will be deleted. This cannot be undone.</>}
          confirmLabel="Delete"
          onConfirm={remove}
        />
      )}
    </li>
  );
}
