"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ClearFilters } from "@/components/admin/filter-bar";
import { formatDate } from "@/components/admin/format";
import { Button, type Column, DataTable, Field, Input, PageHeader, Pagination, Select } from "@/components/admin/ui";
import { useAdminList } from "@/components/admin/use-list";
import { useUrlFilters } from "@/components/admin/use-url-filters";
import type { UserItem } from "@/lib/validations/admin-responses";
import { RoleBadge, UserStatusBadge } from "./badges";
import type { UserFilters } from "./filters";
import { GroupSelect } from "./group-select";
import { LimitSummary } from "./limit-summary";
import { NewUserDialog } from "./new-user-dialog";

const userHref = (id: string) => `/admin/users/${encodeURIComponent(id)}`;

/** Every account, searchable by email or name and filtered by role, status or group. */
export function UsersPage({ initial }: { initial: UserFilters }) {
  const router = useRouter();
  const { filters, settled, set, clear, active } = useUrlFilters(initial);
  const list = useAdminList<UserItem>("/api/admin/user/list", settled);
  const [creating, setCreating] = useState(false);

  const columns: Column<UserItem>[] = [
    {
      header: "User",
      cell: (u) => (
        <div className="min-w-44">
          <div className="font-medium">{u.email}</div>
          {u.name && <div className="text-xs text-zinc-500">{u.name}</div>}
        </div>
      ),
    },
    { header: "Role", cell: (u) => <RoleBadge role={u.role} /> },
    { header: "Status", cell: (u) => <UserStatusBadge status={u.status} /> },
    { header: "Group", cell: (u) => u.group?.name ?? <span className="text-zinc-500">—</span> },
    { header: "Keys", cell: (u) => u.keyCount, className: "text-right tabular-nums" },
    { header: "Limits", cell: (u) => <LimitSummary limit={u.limit} /> },
    { header: "Created", cell: (u) => <span className="whitespace-nowrap">{formatDate(u.createdAt)}</span> },
  ];

  return (
    <>
      <PageHeader
        title="Users"
        description="Accounts, their roles, groups and limits."
        actions={
          <>
            <Button onClick={() => void list.reload()}>Refresh</Button>
            <Button variant="primary" onClick={() => setCreating(true)} data-testid="new-user-open">
              New user
            </Button>
          </>
        }
      />
      <form
        className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4"
        onSubmit={(e) => e.preventDefault()}
        data-testid="users-filters"
      >
        <Field label="Search">
          <Input
            type="search"
            value={filters.q}
            onChange={(e) => set("q", e.target.value)}
            placeholder="Email or name"
            data-testid="users-q"
          />
        </Field>
        <Field label="Role">
          <Select value={filters.role} onChange={(e) => set("role", e.target.value)} data-testid="users-role">
            <option value="">Any role</option>
            <option value="USER">User</option>
            <option value="ADMIN">Admin</option>
          </Select>
        </Field>
        <Field label="Status">
          <Select value={filters.status} onChange={(e) => set("status", e.target.value)} data-testid="users-status">
            <option value="">Any status</option>
            <option value="ACTIVE">Active</option>
            <option value="DISABLED">Disabled</option>
          </Select>
        </Field>
        <Field label="Group">
          <GroupSelect
            value={filters.group_id}
            onChange={(v) => set("group_id", v)}
            noneLabel="Any group"
            testId="users-group"
          />
        </Field>
        <ClearFilters active={active} clear={clear} className="sm:col-span-2 lg:col-span-4" />
      </form>
      <DataTable
        testId="users-table"
        rowTestId={(u) => `user-row-${u.email}`}
        columns={columns}
        rows={list.items}
        rowKey={(u) => u.id}
        error={list.error}
        empty={active ? "No user matches these filters." : "No users yet."}
        onOpen={(u) => router.push(userHref(u.id))}
        openLabel={(u) => `Open ${u.email}`}
      />
      <Pagination total={list.total} limit={list.limit} offset={list.offset} onOffset={list.setOffset} />
      <NewUserDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(d) => router.push(userHref(d.user.id))}
      />
    </>
  );
}
