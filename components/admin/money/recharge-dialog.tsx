"use client";

import { useState } from "react";
import { formatMoney } from "@/components/admin/format";
import { Button, ErrorNote, Field, Input } from "@/components/admin/ui";
import { useSubmit } from "@/components/admin/use-submit";
import { Dialog } from "@/components/chat/dialog";
import { requestJson } from "@/components/settings/api";
import type { KeyItem, KeyRechargeResult } from "@/lib/validations/admin-responses";
import { newIdempotencyKey } from "./idempotency";

/** Top up one key's balance → POST /api/admin/api-key/recharge, once per opening of the dialog. */
export function RechargeDialog(props: { apiKey: KeyItem | null; onClose: () => void; onRecharged: () => void }) {
  return (
    <Dialog
      open={props.apiKey !== null}
      onClose={props.onClose}
      title={props.apiKey ? `Recharge ${props.apiKey.name}` : "Recharge"}
      testId="recharge-dialog"
    >
      {props.apiKey && (
        <RechargeForm
          key={props.apiKey.id}
          apiKey={props.apiKey}
          onClose={props.onClose}
          onRecharged={props.onRecharged}
        />
      )}
    </Dialog>
  );
}

function RechargeForm(props: { apiKey: KeyItem; onClose: () => void; onRecharged: () => void }) {
  // Made once when the dialog opens: a double click or a retry of this form credits only once.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [amount, setAmount] = useState("");
  const [note, setNote] = useState("");
  const { busy, error, run } = useSubmit("The recharge failed");
  const [result, setResult] = useState<KeyRechargeResult | null>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (busy) return;
    await run(async () => {
      const body = {
        id: props.apiKey.id,
        amount: amount.trim(),
        idempotency_key: idempotencyKey,
        ...(note.trim() ? { note: note.trim() } : {}),
      };
      setResult(
        await requestJson<KeyRechargeResult>("/api/admin/api-key/recharge", {
          method: "POST",
          body: JSON.stringify(body),
        }),
      );
      props.onRecharged();
    });
  }

  if (result) {
    return (
      <div className="space-y-3" data-testid="recharge-result" data-transaction-id={result.transactionId}>
        <p className="text-sm">
          {result.replayed
            ? `This recharge of ${formatMoney(result.amount)} was already recorded; nothing was added twice.`
            : `Added ${formatMoney(result.amount)}.`}{" "}
          The balance is now <strong data-testid="recharge-new-balance">{formatMoney(result.balance)}</strong>.
        </p>
        <div className="flex justify-end">
          <Button variant="primary" onClick={props.onClose} data-testid="recharge-done">
            Done
          </Button>
        </div>
      </div>
    );
  }

  return (
    <form onSubmit={submit} className="space-y-3" data-testid="recharge-form">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {props.apiKey.user.email} · {props.apiKey.prefix}… · balance now {formatMoney(props.apiKey.limit?.balance)}
      </p>
      <Field label="Amount (USD)">
        <Input
          name="amount"
          required
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          placeholder="e.g. 25"
          autoComplete="off"
          autoFocus
          data-testid="recharge-amount"
        />
      </Field>
      <Field label="Note (optional)">
        <Input
          name="note"
          maxLength={500}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder="e.g. invoice 2026-014"
          data-testid="recharge-note"
        />
      </Field>
      <ErrorNote error={error} />
      <div className="flex justify-end gap-2">
        <Button onClick={props.onClose}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={busy} data-testid="recharge-submit">
          {busy ? "Recharging…" : "Recharge"}
        </Button>
      </div>
    </form>
  );
}
