"use client";

import Link from "next/link";
import { FilterBar } from "@/components/admin/filter-bar";
import { formatDate } from "@/components/admin/format";
import { Badge, Button, ErrorNote, PageHeader, Pagination } from "@/components/admin/ui";
import { useAdminList } from "@/components/admin/use-list";
import { useUrlFilters } from "@/components/admin/use-url-filters";
import { Markdown } from "@/components/markdown/markdown";
import type { FlaggedMessage } from "@/lib/validations/admin-responses";
import type { FlagFilters } from "./filters";

const link = "text-blue-700 underline-offset-2 hover:underline dark:text-blue-400";

/** Messages users flagged for review. Reasons are plain text; message text is sanitised Markdown. */
export function FlagsPage({ initial }: { initial: FlagFilters }) {
  const filterState = useUrlFilters(initial);
  const { settled, active } = filterState;
  const list = useAdminList<FlaggedMessage>("/api/admin/flags", settled, 20);

  return (
    <>
      <PageHeader
        title="Flagged messages"
        description="Messages users reported from the chat page, newest flag first."
        actions={<Button onClick={() => void list.reload()}>Refresh</Button>}
      />
      <FilterBar
        state={filterState}
        fields={[
          { name: "q", label: "Search", placeholder: "Message, reason, title or email", testId: "flags-q" },
          { name: "user_id", label: "User id", testId: "flags-user" },
        ]}
      />
      <ErrorNote error={list.error} />
      {!list.error && (
        <div data-testid="flags-list" aria-busy={list.items === null}>
          {list.items === null ? (
            <p className="py-6 text-center text-sm text-zinc-500">Loading…</p>
          ) : list.items.length === 0 ? (
            <p
              className="rounded-xl border border-zinc-200 py-6 text-center text-sm text-zinc-500 dark:border-zinc-800"
              data-testid="empty-state"
            >
              {active ? "No flagged message matches these filters." : "Nothing has been flagged."}
            </p>
          ) : (
            <ul className="space-y-3">
              {list.items.map((m) => (
                <li
                  key={m.id}
                  className="rounded-xl border border-zinc-200 p-4 dark:border-zinc-800"
                  data-testid="flag-item"
                >
                  <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-500">
                    <Badge tone="red">flagged</Badge>
                    <span>{formatDate(m.flaggedAt ?? m.createdAt)}</span>
                    <span>{m.session.user.email}</span>
                    <span className="uppercase">{m.role}</span>
                    {m.model && <span className="font-mono">{m.model}</span>}
                  </div>
                  <p className="mt-2 text-sm">
                    <span className="font-medium">Reason: </span>
                    <span className="whitespace-pre-wrap break-words" data-testid="flag-reason">
                      {m.flagReason || "(none given)"}
                    </span>
                  </p>
                  <div
                    className="mt-2 max-h-72 overflow-y-auto rounded-lg bg-zinc-50 p-3 dark:bg-zinc-900"
                    data-testid="flag-text"
                  >
                    {m.text ? <Markdown text={m.text} /> : <p className="text-sm text-zinc-500">(no text)</p>}
                  </div>
                  <p className="mt-2 text-sm">
                    In{" "}
                    <Link className={link} href={`/admin/sessions/${encodeURIComponent(m.session.id)}`}>
                      {m.session.title}
                    </Link>
                  </p>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <Pagination total={list.total} limit={list.limit} offset={list.offset} onOffset={list.setOffset} />
    </>
  );
}
