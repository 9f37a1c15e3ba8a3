"use client";

import { useEffect, useState } from "react";
import type { PaymentOptions } from "@/lib/hooks/use-payment-options";
import { requestJson } from "./api";

type Preferences = {
  paymentsEnabled: boolean;
  cardSaved: boolean;
  autoTopUp: { below: string; amount: string } | null;
  lowBalanceBelow: string | null;
  quotaAlertPercent: number | null;
};

const input = "w-28 rounded-lg border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700";
const trim = (v: string | null | undefined) => (v ? v.replace(/\.?0+$/, "") : "");

/** Auto top-up (once a checkout saved a card) and the low-balance / quota alerts. */
export function BillingAlerts({ options }: { options: PaymentOptions | null }) {
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    requestJson<Preferences>("/api/user/billing").then(setPrefs, () => setPrefs(null));
  }, []);

  async function save(change: object, done: string) {
    try {
      setPrefs(await requestJson<Preferences>("/api/user/billing", { method: "PUT", body: JSON.stringify(change) }));
      setMessage({ ok: true, text: done });
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : "Not saved" });
    }
  }

  if (!prefs) return null;
  const field = (form: HTMLFormElement, name: string) => String(new FormData(form).get(name) ?? "").trim();
  return (
    <div className="space-y-3 text-sm">
      <h3 className="font-medium">Alerts{options ? " and auto top-up" : ""}</h3>
      <form
        data-testid="low-balance-form"
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const below = field(e.currentTarget, "below");
          const percent = field(e.currentTarget, "percent");
          void save(
            { lowBalanceBelow: below || null, quotaAlertPercent: percent ? Number(percent) : null },
            "Alerts saved.",
          );
        }}
      >
        <label>
          Mail me when my balance falls below{" "}
          <input name="below" inputMode="decimal" defaultValue={trim(prefs.lowBalanceBelow)} className={input} />
        </label>
        <label>
          or I have used{" "}
          <input name="percent" inputMode="numeric" defaultValue={prefs.quotaAlertPercent ?? ""} className={input} />%
          of my monthly quota
        </label>
        <button type="submit" className="rounded-lg border border-zinc-300 px-3 py-1 dark:border-zinc-700">
          Save
        </button>
      </form>
      {options &&
        (prefs.cardSaved ? (
          <form
            data-testid="auto-top-up-form"
            className="flex flex-wrap items-center gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              const below = field(e.currentTarget, "below");
              const amount = field(e.currentTarget, "amount");
              void save(
                { autoTopUp: below && amount ? { below, amount } : null },
                below && amount ? "Auto top-up is on." : "Auto top-up is off.",
              );
            }}
          >
            <label>
              When my balance falls below{" "}
              <input name="below" inputMode="decimal" defaultValue={trim(prefs.autoTopUp?.below)} className={input} />
            </label>
            <label>
              add{" "}
              <input name="amount" inputMode="decimal" defaultValue={trim(prefs.autoTopUp?.amount)} className={input} />{" "}
              {options.currency.toUpperCase()} from my saved card
            </label>
            <button type="submit" className="rounded-lg border border-zinc-300 px-3 py-1 dark:border-zinc-700">
              Save
            </button>
            <span className="w-full text-xs text-zinc-500">
              Leave either empty to turn it off. At most one charge an hour.
            </span>
          </form>
        ) : (
          <p className="text-zinc-500">Auto top-up becomes available after your first paid checkout saves your card.</p>
        ))}
      {message && (
        <p
          role="status"
          className={message.ok ? "text-green-700 dark:text-green-400" : "text-red-600 dark:text-red-400"}
        >
          {message.text}
        </p>
      )}
    </div>
  );
}
