"use client";

import { useState } from "react";
import { GroupSelect } from "@/components/admin/people/group-select";
import { Button, ErrorNote, Field, Input, Select } from "@/components/admin/ui";
import { Dialog } from "@/components/chat/dialog";
import { requestJson } from "@/components/settings/api";
import type { KeyApplyResult, Role } from "@/lib/validations/admin-responses";
import { expiryFromDate, todayDate } from "./dates";
import { IssuedKey } from "./issued-key";
import { ModelPicker } from "./model-picker";

/**
 * "Issue key": POST /api/admin/api-key/apply (creating the user when the email is new), then the
 * secret once. Closing the dialog forgets it.
 */
export function ApplyKeyDialog(props: { open: boolean; onClose: () => void; onIssued: () => void }) {
  const [result, setResult] = useState<KeyApplyResult | null>(null);
  const close = () => {
    setResult(null);
    props.onClose();
  };
  return (
    <Dialog open={props.open} onClose={close} title={result ? "Key issued" : "Issue an API key"} testId="apply-dialog">
      {result ? (
        <IssuedKey result={result} onDone={close} />
      ) : (
        <ApplyForm
          onCancel={close}
          onIssued={(r) => {
            setResult(r);
            props.onIssued();
          }}
        />
      )}
    </Dialog>
  );
}

function ApplyForm(props: { onCancel: () => void; onIssued: (result: KeyApplyResult) => void }) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [groupId, setGroupId] = useState("");
  const [role, setRole] = useState<Role>("USER");
  const [balance, setBalance] = useState("");
  const [monthQuota, setMonthQuota] = useState("");
  const [expiry, setExpiry] = useState("");
  const [models, setModels] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const body = {
        email: email.trim(),
        name: name.trim(),
        role,
        ...(groupId ? { group_id: groupId } : {}),
        ...(balance.trim() ? { balance: balance.trim() } : {}),
        ...(monthQuota.trim() ? { month_quota: monthQuota.trim() } : {}),
        ...(expiry ? { expiry: expiryFromDate(expiry) } : {}),
        ...(models.length ? { models } : {}),
      };
      props.onIssued(
        await requestJson<KeyApplyResult>("/api/admin/api-key/apply", { method: "POST", body: JSON.stringify(body) }),
      );
    } catch (err) {
      setError(err instanceof Error ? err.message : "The key could not be issued");
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="max-h-[70vh] space-y-3 overflow-y-auto pr-1" data-testid="apply-form">
      <Field label="Email" hint="A new email creates the user.">
        <Input
          type="email"
          name="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoComplete="off"
          data-testid="apply-email"
        />
      </Field>
      <Field label="Key name">
        <Input
          name="name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. production backend"
          data-testid="apply-name"
        />
      </Field>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field label="Initial balance (USD)" hint="Empty: no balance limit on the key.">
          <Input
            name="balance"
            inputMode="decimal"
            value={balance}
            onChange={(e) => setBalance(e.target.value)}
            placeholder="e.g. 10"
            autoComplete="off"
            data-testid="apply-balance"
          />
        </Field>
        <Field label="Monthly quota (USD)" hint="Empty: no monthly quota.">
          <Input
            name="month_quota"
            inputMode="decimal"
            value={monthQuota}
            onChange={(e) => setMonthQuota(e.target.value)}
            placeholder="e.g. 50"
            autoComplete="off"
            data-testid="apply-month-quota"
          />
        </Field>
        <Field label="Group" hint="Used only when the user is new.">
          <GroupSelect value={groupId} onChange={setGroupId} noneLabel="No group" testId="apply-group" />
        </Field>
        <Field label="Role">
          <Select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="apply-role">
            <option value="USER">User</option>
            <option value="ADMIN">Admin (owner must be an admin)</option>
          </Select>
        </Field>
        <Field label="Expires (optional)">
          <Input
            type="date"
            name="expiry"
            min={todayDate()}
            value={expiry}
            onChange={(e) => setExpiry(e.target.value)}
            data-testid="apply-expiry"
          />
        </Field>
      </div>
      <ModelPicker value={models} onChange={setModels} testIdPrefix="apply" />
      <ErrorNote error={error} />
      <div className="flex justify-end gap-2">
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={busy} data-testid="apply-submit">
          {busy ? "Issuing…" : "Issue key"}
        </Button>
      </div>
    </form>
  );
}
