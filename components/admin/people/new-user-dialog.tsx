"use client";

import { useState } from "react";
import { Button, ErrorNote, Field, Input, Select } from "@/components/admin/ui";
import { useSubmit } from "@/components/admin/use-submit";
import { Dialog } from "@/components/chat/dialog";
import { requestJson } from "@/components/settings/api";
import type { Role, UserDetail } from "@/lib/validations/admin-responses";
import { GroupSelect } from "./group-select";

/** "New user": email, optional name and password, role and group → POST /api/admin/user/create. */
export function NewUserDialog(props: { open: boolean; onClose: () => void; onCreated: (detail: UserDetail) => void }) {
  return (
    <Dialog open={props.open} onClose={props.onClose} title="New user" testId="new-user-dialog">
      <NewUserForm onCancel={props.onClose} onCreated={props.onCreated} />
    </Dialog>
  );
}

function NewUserForm(props: { onCancel: () => void; onCreated: (detail: UserDetail) => void }) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("USER");
  const [groupId, setGroupId] = useState("");
  const { busy, error, run } = useSubmit("The user could not be created");

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    await run(async () => {
      const body = {
        email: email.trim(),
        role,
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(password ? { password } : {}),
        ...(groupId ? { group_id: groupId } : {}),
      };
      props.onCreated(
        await requestJson<UserDetail>("/api/admin/user/create", { method: "POST", body: JSON.stringify(body) }),
      );
    });
  }

  return (
    <form onSubmit={submit} className="space-y-3" data-testid="new-user-form">
      <Field label="Email">
        <Input
          type="email"
          name="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoComplete="off"
          data-testid="new-user-email"
        />
      </Field>
      <Field label="Name (optional)">
        <Input
          name="name"
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="new-user-name"
        />
      </Field>
      <Field label="Password (optional)" hint="Without one, the user cannot sign in with a password until it is set.">
        <Input
          type="password"
          name="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="new-password"
          data-testid="new-user-password"
        />
      </Field>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field label="Role">
          <Select
            name="role"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            data-testid="new-user-role"
          >
            <option value="USER">User</option>
            <option value="ADMIN">Admin</option>
          </Select>
        </Field>
        <Field label="Group">
          <GroupSelect value={groupId} onChange={setGroupId} noneLabel="No group" testId="new-user-group" />
        </Field>
      </div>
      <ErrorNote error={error} />
      <div className="flex justify-end gap-2">
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={busy} data-testid="new-user-submit">
          {busy ? "Creating…" : "Create user"}
        </Button>
      </div>
    </form>
  );
}
