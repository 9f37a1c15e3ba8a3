"use client";

import { useRouter } from "next/navigation";
import { FilterBar } from "@/components/admin/filter-bar";
import { formatDate } from "@/components/admin/format";
import {
  Badge,
  Button,
  type Column,
  ConfirmButton,
  DataTable,
  PageHeader,
  Pagination,
  StopRowClick,
} from "@/components/admin/ui";
import { useAdminList } from "@/components/admin/use-list";
import { useUrlFilters } from "@/components/admin/use-url-filters";
import { requestJson } from "@/components/settings/api";
import type { SessionItem } from "@/lib/validations/admin-responses";
import type { SessionFilters } from "./filters";

export async function deleteSession(id: string): Promise<void> {
  await requestJson(`/api/admin/session/${encodeURIComponent(id)}`, { method: "DELETE" });
}

/** Every user's conversations (chat and API), newest activity first. */
export function SessionsPage({ initial }: { initial: SessionFilters }) {
  const router = useRouter();
  const filterState = useUrlFilters(initial);
  const { settled, active } = filterState;
  const list = useAdminList<SessionItem>("/api/admin/session/list", settled);

  const columns: Column<SessionItem>[] = [
    { header: "Title", cell: (s) => <span className="line-clamp-2 min-w-40 font-medium">{s.title}</span> },
    { header: "User", cell: (s) => <span className="whitespace-nowrap">{s.user.email}</span> },
    { header: "Source", cell: (s) => <Badge tone={s.source === "API" ? "blue" : "zinc"}>{s.source}</Badge> },
    { header: "Model", cell: (s) => <span className="whitespace-nowrap font-mono text-xs">{s.model ?? "—"}</span> },
    {
      header: "Key",
      cell: (s) => (s.apiKeyId ? <span className="font-mono text-xs">{s.apiKeyId.slice(0, 10)}…</span> : "—"),
    },
    { header: "Last activity", cell: (s) => <span className="whitespace-nowrap">{formatDate(s.updatedAt)}</span> },
    {
      header: "Actions",
      cell: (s) => (
        <StopRowClick>
          <ConfirmButton
            label="Delete"
            testId="session-delete"
            title="Delete this conversation?"
            message={
              <>
                “{s.title}” by {s.user.email} and all its messages will be deleted. Its requests stay in the threads
                list for billing.
              </>
            }
            onConfirm={async () => {
              await deleteSession(s.id);
              await list.reload();
            }}
          />
        </StopRowClick>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Sessions"
        description="Conversations from the chat page and from API clients."
        actions={<Button onClick={() => void list.reload()}>Refresh</Button>}
      />
      <FilterBar
        state={filterState}
        fields={[
          { name: "q", label: "Search", placeholder: "Title, messages or prompts", testId: "sessions-q" },
          { name: "key_id", label: "API key id", testId: "sessions-key" },
          { name: "user_id", label: "User id", testId: "sessions-user" },
        ]}
      />
      <DataTable
        testId="sessions-table"
        rowTestId="session-row"
        columns={columns}
        rows={list.items}
        rowKey={(s) => s.id}
        error={list.error}
        empty={active ? "No conversation matches these filters." : "No conversations yet."}
        onOpen={(s) => router.push(`/admin/sessions/${encodeURIComponent(s.id)}`)}
        openLabel={(s) => `Open conversation “${s.title}” by ${s.user.email}`}
      />
      <Pagination total={list.total} limit={list.limit} offset={list.offset} onOffset={list.setOffset} />
    </>
  );
}
