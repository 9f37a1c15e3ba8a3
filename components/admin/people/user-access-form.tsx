"use client";

import { useState } from "react";
import { Button, Card, ErrorNote, Field, Input, Select } from "@/components/admin/ui";
import { useSubmit } from "@/components/admin/use-submit";
import { requestJson } from "@/components/settings/api";
import type { Role, UserDetail, UserItem, UserStatus } from "@/lib/validations/admin-responses";
import { GroupSelect } from "./group-select";

/** Name, role, group, status and an optional new password → POST /api/admin/user/update (changed fields only). */
export function UserAccessForm({ user, onSaved }: { user: UserItem; onSaved: (detail: UserDetail) => void }) {
  const [name, setName] = useState(user.name ?? "");
  const [role, setRole] = useState<Role>(user.role);
  const [groupId, setGroupId] = useState(user.groupId ?? "");
  const [status, setStatus] = useState<UserStatus>(user.status);
  const [password, setPassword] = useState("");
  const { busy, error, run } = useSubmit("The user could not be saved");
  const [saved, setSaved] = useState(false);

  const changes = {
    ...(name.trim() !== (user.name ?? "") ? { name: name.trim() } : {}),
    ...(role !== user.role ? { role } : {}),
    ...(groupId !== (user.groupId ?? "") ? { group_id: groupId || null } : {}),
    ...(status !== user.status ? { status } : {}),
    ...(password ? { password } : {}),
  };
  const dirty = Object.keys(changes).length > 0;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setSaved(false);
    await run(async () => {
      onSaved(
        await requestJson<UserDetail>("/api/admin/user/update", {
          method: "POST",
          body: JSON.stringify({ id: user.id, ...changes }),
        }),
      );
      setPassword("");
      setSaved(true);
    });
  }

  return (
    <Card title="Account">
      <form onSubmit={submit} className="space-y-3" data-testid="user-access-form">
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          <Field label="Name">
            <Input
              name="name"
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.target.value)}
              data-testid="user-name"
            />
          </Field>
          <Field label="Group">
            <GroupSelect value={groupId} onChange={setGroupId} noneLabel="No group" testId="user-group" />
          </Field>
          <Field label="Role">
            <Select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="user-role">
              <option value="USER">User</option>
              <option value="ADMIN">Admin</option>
            </Select>
          </Field>
          <Field label="Status" hint="A disabled user cannot sign in and their keys stop working.">
            <Select
              name="status"
              value={status}
              onChange={(e) => setStatus(e.target.value as UserStatus)}
              data-testid="user-status"
            >
              <option value="ACTIVE">Active</option>
              <option value="DISABLED">Disabled</option>
            </Select>
          </Field>
          <Field label="New password (optional)" hint="Leave empty to keep the current one.">
            <Input
              type="password"
              name="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="new-password"
              data-testid="user-password"
            />
          </Field>
        </div>
        <ErrorNote error={error} />
        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary" disabled={busy || !dirty} data-testid="user-access-save">
            {busy ? "Saving…" : "Save account"}
          </Button>
          {saved && !dirty && (
            <span role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
              Saved
            </span>
          )}
        </div>
      </form>
    </Card>
  );
}
