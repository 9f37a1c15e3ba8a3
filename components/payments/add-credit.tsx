"use client";

import { useState } from "react";
import type { PaymentOptions } from "@/lib/hooks/use-payment-options";
import { formatAmount } from "./money";

const input = "w-full rounded-lg border border-zinc-300 bg-transparent px-3 py-2 text-sm dark:border-zinc-700";

/** Preset amounts and a custom one; "Continue" starts a Stripe Checkout and goes there. */
export function AddCreditForm({ options, onCancel }: { options: PaymentOptions; onCancel?: () => void }) {
  const [amount, setAmount] = useState(options.presets[0] ?? options.minimum);
  const [custom, setCustom] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = custom.trim() || amount;

  async function start(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/user/payments/checkout", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ amount: chosen }),
      });
      const body = (await res.json().catch(() => null)) as { url?: string; error?: { message?: string } } | null;
      if (!res.ok || !body?.url) throw new Error(body?.error?.message ?? `The server answered ${res.status}`);
      window.location.assign(body.url);
    } catch (err) {
      setError(err instanceof Error ? err.message : "The checkout could not be started");
      setBusy(false);
    }
  }

  return (
    <form onSubmit={start} data-testid="add-credit-form" className="space-y-3">
      <div className="flex flex-wrap gap-2" role="group" aria-label="Amount">
        {options.presets.map((p) => (
          <button
            key={p}
            type="button"
            data-testid={`add-credit-preset-${p.split(".")[0]}`}
            aria-pressed={!custom.trim() && amount === p}
            onClick={() => {
              setAmount(p);
              setCustom("");
            }}
            className={`rounded-lg border px-3 py-1.5 text-sm tabular-nums ${!custom.trim() && amount === p ? "border-zinc-900 bg-zinc-900 text-white dark:border-zinc-100 dark:bg-zinc-100 dark:text-zinc-900" : "border-zinc-300 dark:border-zinc-700"}`}
          >
            {formatAmount(p, options.currency, options.decimals)}
          </button>
        ))}
      </div>
      <label className="block text-sm">
        <span className="text-zinc-500">
          Other amount ({formatAmount(options.minimum, options.currency, options.decimals)} –{" "}
          {formatAmount(options.maximum, options.currency, options.decimals)})
        </span>
        <input
          data-testid="add-credit-custom"
          inputMode="decimal"
          value={custom}
          onChange={(e) => setCustom(e.target.value)}
          placeholder="e.g. 15"
          className={input}
        />
      </label>
      {error && (
        <p role="alert" data-testid="add-credit-error" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <button
          type="submit"
          data-testid="add-credit-continue"
          disabled={busy}
          className="rounded-lg bg-zinc-900 px-3 py-1.5 text-sm text-white disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900"
        >
          {busy
            ? "Opening checkout…"
            : `Pay ${/^\d+(\.\d+)?$/.test(chosen) ? formatAmount(chosen, options.currency, options.decimals) : ""}`}
        </button>
        {onCancel && (
          <button
            type="button"
            onClick={onCancel}
            className="rounded-lg border border-zinc-300 px-3 py-1.5 text-sm dark:border-zinc-700"
          >
            Cancel
          </button>
        )}
      </div>
      <p className="text-xs text-zinc-500">You pay on Stripe&apos;s page; your card details never reach this server.</p>
    </form>
  );
}
