"use client";

import { formatMoney, formatNumber } from "@/components/admin/format";
import type { Column } from "@/components/admin/ui";
import { DataTable } from "@/components/admin/ui";
import type { UsageRow, UsageSums } from "@/lib/validations/admin-responses";

const columns: Column<UsageRow>[] = [
  {
    header: "Name",
    cell: (r) => (
      <div className="min-w-32">
        <div className="break-all">{r.label}</div>
        {r.key && r.key !== r.label && <div className="font-mono text-xs text-zinc-500">{r.key}</div>}
      </div>
    ),
  },
  {
    header: "Requests",
    className: "text-right",
    cell: (r) => <span className="tabular-nums">{formatNumber(r.requests)}</span>,
  },
  {
    header: "Prompt tokens",
    className: "text-right",
    cell: (r) => <span className="tabular-nums">{formatNumber(r.promptTokens)}</span>,
  },
  {
    header: "Completion tokens",
    className: "text-right",
    cell: (r) => <span className="tabular-nums">{formatNumber(r.completionTokens)}</span>,
  },
  { header: "Cost", className: "text-right", cell: (r) => <span className="tabular-nums">{formatMoney(r.cost)}</span> },
  {
    header: "Avg / request",
    className: "text-right",
    cell: (r) => <span className="tabular-nums">{formatMoney(r.avgCostPerRequest)}</span>,
  },
];

/** One breakdown (by user, group, model or key), biggest cost first, with the range's totals below. */
export function UsageTable(props: { rows: UsageRow[]; totals: UsageSums; testId: string }) {
  return (
    <>
      <DataTable
        testId={props.testId}
        rowTestId="usage-row"
        columns={columns}
        rows={props.rows}
        rowKey={(r) => r.key || "(none)"}
        empty="No usage in this range."
      />
      <p className="mt-2 text-right text-xs text-zinc-500">
        Total {formatNumber(props.totals.requests)} requests ·{" "}
        {formatNumber(props.totals.promptTokens + props.totals.completionTokens)} tokens ·{" "}
        {formatMoney(props.totals.cost)}
      </p>
    </>
  );
}
