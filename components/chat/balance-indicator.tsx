"use client";

import { useEffect, useRef, useState } from "react";
import { AddCreditForm } from "@/components/payments/add-credit";
import { type LimitLevel, useLimits } from "@/lib/hooks/use-limits";
import { usePaymentOptions } from "@/lib/hooks/use-payment-options";

/** "12.345600" → "$12.3456": exact, without trailing zeros beyond the cents. */
export function formatBalance(value: string): string {
  const negative = value.startsWith("-");
  const [whole, frac = ""] = value.replace("-", "").split(".");
  const trimmed = frac.replace(/0+$/, "");
  return `${negative ? "-" : ""}$${whole}.${trimmed.length < 2 ? trimmed.padEnd(2, "0") : trimmed}`;
}

const scopeName = { KEY: "API key", USER: "Your account", GROUP: "Your group" } as const;

function LevelDetails({ level }: { level: LimitLevel }) {
  const rows: Array<[string, string]> = [];
  if (level.balance !== null) rows.push(["Balance", formatBalance(level.balance)]);
  if (level.monthlyQuota !== null)
    rows.push(["This month", `${formatBalance(level.monthSpent)} of ${formatBalance(level.monthlyQuota)}`]);
  if (level.tokenAllowance !== null) rows.push(["Tokens left", Number(level.tokenAllowance).toLocaleString()]);
  if (level.nextGrantAt) rows.push(["Next token grant", new Date(level.nextGrantAt).toLocaleString()]);
  if (level.dailyRequestLimit !== null)
    rows.push(["Requests today", `${level.dailyUsed} of ${level.dailyRequestLimit}`]);
  if (level.rpm !== null) rows.push(["Requests / minute", String(level.rpm)]);
  if (level.tpm !== null) rows.push(["Tokens / minute", level.tpm.toLocaleString()]);
  return (
    <div>
      <p className="font-medium">{scopeName[level.scope]}</p>
      {rows.length === 0 ? (
        <p className="text-zinc-500">No limits</p>
      ) : (
        <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
          {rows.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-zinc-500">{k}</dt>
              <dd className="text-right tabular-nums">{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

/** The balance in the header, live; a click shows every limit that applies. */
export function BalanceIndicator() {
  const { limits, stale } = useLimits();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  // The panel hangs over the chat's toolbar (model picker): any click or tap outside it, or Escape, closes it.
  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => !box.current?.contains(e.target as Node) && setOpen(false);
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("pointerdown", onPointer, true);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer, true);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);
  const payments = usePaymentOptions();
  const [adding, setAdding] = useState(false);
  if (!limits)
    return (
      <span className="h-6 w-16 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" aria-label="Loading balance" />
    );
  const label = limits.balance === null ? "No limit" : formatBalance(limits.balance);
  const low = limits.balance !== null && Number(limits.balance) <= 0;
  return (
    <div ref={box} className="relative">
      <button
        type="button"
        data-testid="header-balance"
        data-balance={limits.balance ?? ""}
        aria-expanded={open}
        aria-label={`Balance ${label}; show limits`}
        title={stale ? "Reconnecting… the number may be out of date" : "Balance and limits"}
        onClick={() => setOpen((o) => !o)}
        className={`whitespace-nowrap rounded-lg border px-2 py-1 text-sm tabular-nums ${low ? "border-red-300 text-red-700 dark:border-red-800 dark:text-red-400" : "border-zinc-300 dark:border-zinc-700"} ${stale ? "opacity-60" : ""}`}
      >
        {label}
      </button>
      {open && (
        <div
          data-testid="limits-panel"
          className="absolute right-0 z-50 mt-2 w-72 max-w-[calc(100vw-2rem)] space-y-3 rounded-xl border border-zinc-200 bg-white p-3 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          {limits.levels.length === 0 ? (
            <p className="text-zinc-500">No limits apply to you.</p>
          ) : (
            limits.levels.map((l) => <LevelDetails key={l.scope} level={l} />)
          )}
          {payments &&
            (adding ? (
              <AddCreditForm options={payments} onCancel={() => setAdding(false)} />
            ) : (
              <button
                type="button"
                data-testid="add-credit-open"
                onClick={() => setAdding(true)}
                className="w-full rounded-lg bg-zinc-900 px-3 py-1.5 text-sm text-white dark:bg-zinc-100 dark:text-zinc-900"
              >
                Add credit
              </button>
            ))}
        </div>
      )}
    </div>
  );
}
