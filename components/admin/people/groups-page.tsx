"use client";

import Link from "next/link";
import { useState } from "react";
import { formatNumber } from "@/components/admin/format";
import {
  Button,
  type Column,
  ConfirmButton,
  DataTable,
  Field,
  Input,
  PageHeader,
  Pagination,
  StopRowClick,
} from "@/components/admin/ui";
import { useAdminList, useDebounced } from "@/components/admin/use-list";
import { requestJson } from "@/components/settings/api";
import type { GroupItem } from "@/lib/validations/admin-responses";
import { GroupDialog } from "./group-dialog";
import { LimitSummary } from "./limit-summary";

/** Groups (teams, companies) with their member count and shared limits. */
export function GroupsPage() {
  const [q, setQ] = useState("");
  const settledQ = useDebounced(q);
  const list = useAdminList<GroupItem>("/api/admin/group/list", { q: settledQ });
  // undefined: closed; null: a new group; a group: editing it.
  const [editing, setEditing] = useState<GroupItem | null | undefined>(undefined);

  const columns: Column<GroupItem>[] = [
    {
      header: "Group",
      cell: (g) => (
        <div className="min-w-40">
          <div className="font-medium">{g.name}</div>
          {g.description && <div className="text-xs text-zinc-500">{g.description}</div>}
        </div>
      ),
    },
    {
      header: "Members",
      cell: (g) => (
        <StopRowClick>
          <Link
            href={`/admin/users?group_id=${encodeURIComponent(g.id)}`}
            className="underline underline-offset-2"
            data-testid={`group-members-${g.id}`}
          >
            {formatNumber(g.userCount)}
          </Link>
        </StopRowClick>
      ),
      className: "text-right tabular-nums",
    },
    { header: "Limits", cell: (g) => <LimitSummary limit={g.limit} /> },
    {
      header: "Actions",
      cell: (g) => (
        <StopRowClick>
          <Button onClick={() => setEditing(g)} data-testid={`group-edit-${g.id}`}>
            Edit
          </Button>
          <ConfirmButton
            label="Delete"
            testId={`group-delete-${g.id}`}
            title="Delete this group?"
            message={
              <>
                <strong>{g.name}</strong> and its shared limits will be deleted. Its{" "}
                {g.userCount === 1 ? "member stays" : `${formatNumber(g.userCount)} members stay`}, without a group.
              </>
            }
            onConfirm={async () => {
              await requestJson("/api/admin/group/delete", { method: "POST", body: JSON.stringify({ id: g.id }) });
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
        title="Groups"
        description="Teams or companies whose members share limits."
        actions={
          <Button variant="primary" onClick={() => setEditing(null)} data-testid="group-new">
            New group
          </Button>
        }
      />
      <form className="mb-4 max-w-sm" onSubmit={(e) => e.preventDefault()}>
        <Field label="Search">
          <Input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Name or description"
            data-testid="groups-q"
          />
        </Field>
      </form>
      <DataTable
        testId="groups-table"
        rowTestId={(g) => `group-row-${g.id}`}
        columns={columns}
        rows={list.items}
        rowKey={(g) => g.id}
        error={list.error}
        empty={settledQ ? "No group matches this search." : "No groups yet."}
        onOpen={(g) => setEditing(g)}
        openLabel={(g) => `Edit ${g.name}`}
      />
      <Pagination total={list.total} limit={list.limit} offset={list.offset} onOffset={list.setOffset} />
      <GroupDialog
        open={editing !== undefined}
        group={editing ?? null}
        onClose={() => setEditing(undefined)}
        onSaved={() => {
          setEditing(undefined);
          void list.reload();
        }}
      />
    </>
  );
}
