"use client";

import { useEffect, useRef } from "react";
import type { useSessionList } from "@/lib/hooks/use-session-list";
import { CloseIcon, PlusIcon, SearchIcon } from "./icons";
import { SessionRow } from "./session-row";

type Props = {
  sessions: ReturnType<typeof useSessionList>;
  activeId: string | null;
  open: boolean;
  onClose: () => void;
  onNewChat: () => void;
};

/** The user's conversations, newest first: search, infinite scroll, rename, delete. A drawer on phones. */
export function Sidebar({ sessions, activeId, open, onClose, onNewChat }: Props) {
  const sentinel = useRef<HTMLLIElement>(null);
  const { loadMore } = sessions;
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && loadMore(), {
      rootMargin: "200px",
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [loadMore]);

  return (
    <aside
      data-testid="sidebar"
      aria-label="Conversations"
      data-open={open}
      className={`fixed inset-y-0 left-0 z-40 flex w-[min(20rem,85vw)] flex-col border-r border-zinc-200 bg-zinc-50 transition-[transform,visibility] duration-200 md:static md:z-auto md:w-72 md:translate-x-0 dark:border-zinc-800 dark:bg-zinc-900 ${
        open ? "max-md:visible max-md:translate-x-0 max-md:shadow-2xl" : "max-md:invisible max-md:-translate-x-full"
      }`}
    >
      <div className="flex items-center gap-2 p-3">
        <button
          type="button"
          data-testid="new-chat"
          onClick={onNewChat}
          title="New chat (Ctrl+Shift+O)"
          className="flex flex-1 items-center justify-center gap-2 rounded-lg bg-zinc-900 px-3 py-2 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300"
        >
          <PlusIcon /> New chat
        </button>
        <button
          type="button"
          aria-label="Close the conversation list"
          onClick={onClose}
          className="rounded-lg p-2 hover:bg-zinc-200 md:hidden dark:hover:bg-zinc-800"
        >
          <CloseIcon />
        </button>
      </div>
      <label className="mx-3 mb-2 flex items-center gap-2 rounded-lg border border-zinc-300 bg-white px-2 dark:border-zinc-700 dark:bg-zinc-950">
        <SearchIcon className="h-4 w-4 text-zinc-400" />
        <span className="sr-only">Search conversations</span>
        <input
          type="search"
          data-testid="session-search"
          value={sessions.query}
          onChange={(e) => sessions.setQuery(e.target.value)}
          placeholder="Search titles and messages"
          className="min-w-0 flex-1 bg-transparent py-1.5 text-sm outline-none"
        />
      </label>
      <ul data-testid="session-list" className="min-h-0 flex-1 overflow-y-auto px-2 pb-3">
        {sessions.items.map((item) => (
          <SessionRow
            key={item.id}
            item={item}
            active={item.id === activeId}
            onChanged={sessions.refresh}
            onDeleted={() => sessions.setItems((list) => list.filter((s) => s.id !== item.id))}
          />
        ))}
        {!sessions.loading && !sessions.error && sessions.items.length === 0 && (
          <li data-testid="sessions-empty" className="px-2 py-6 text-center text-sm text-zinc-500">
            {sessions.query ? "No conversation matches this search." : "No conversations yet. Start one with New chat."}
          </li>
        )}
        {sessions.error && (
          <li role="alert" className="px-2 py-4 text-sm text-red-600 dark:text-red-400">
            {sessions.error}.{" "}
            <button type="button" className="underline" onClick={sessions.refresh}>
              Retry
            </button>
          </li>
        )}
        {sessions.loading && (
          <li aria-label="Loading conversations" className="space-y-2 px-2 py-2">
            {[0, 1, 2].map((i) => (
              <div key={i} className="h-8 animate-pulse rounded-lg bg-zinc-200 dark:bg-zinc-800" />
            ))}
          </li>
        )}
        {sessions.hasMore && !sessions.loading && (
          <li ref={sentinel} className="px-2 py-2">
            <button
              type="button"
              data-testid="sessions-load-more"
              onClick={loadMore}
              className="w-full rounded-lg py-1.5 text-sm text-zinc-600 hover:bg-zinc-200 dark:text-zinc-400 dark:hover:bg-zinc-800"
            >
              Load more ({sessions.total - sessions.items.length} left)
            </button>
          </li>
        )}
      </ul>
    </aside>
  );
}
