"use client";

import { useState } from "react";
import { TableScroll } from "@/components/admin/ui";
import { diffSnapshots } from "./json-diff";

/** Before → after of one audit row, collapsed to a summary; unchanged fields on request. */
export function AuditDiff({ before, after, id }: { before: unknown; after: unknown; id: string }) {
  const [showAll, setShowAll] = useState(false);
  const lines = diffSnapshots(before, after);
  if (lines.length === 0) return <span className="text-zinc-500">—</span>;
  const changed = lines.filter((l) => l.changed);
  const shown = showAll ? lines : changed;
  const summary =
    before == null
      ? "Created"
      : after == null
        ? "Removed"
        : `${changed.length} field${changed.length === 1 ? "" : "s"} changed`;
  return (
    <details className="min-w-64 max-w-xl" data-testid={`audit-diff-${id}`}>
      <summary className="cursor-pointer select-none text-sm">{summary}</summary>
      <TableScroll className="mt-2">
        <table className="w-full font-mono text-xs">
          <thead className="bg-zinc-50 text-left text-zinc-500 dark:bg-zinc-900">
            <tr>
              <th scope="col" className="px-2 py-1 font-medium">
                Field
              </th>
              <th scope="col" className="px-2 py-1 font-medium">
                Before
              </th>
              <th scope="col" className="px-2 py-1 font-medium">
                After
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((l) => (
              <tr key={l.path} className="border-t border-zinc-100 align-top dark:border-zinc-800">
                <td className="whitespace-nowrap px-2 py-1">{l.path}</td>
                <td
                  className={`break-all px-2 py-1 ${l.changed ? "bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-300" : ""}`}
                >
                  {l.before ?? "—"}
                </td>
                <td
                  className={`break-all px-2 py-1 ${l.changed ? "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300" : ""}`}
                >
                  {l.after ?? "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {lines.length > changed.length && (
        <button
          type="button"
          className="mt-1 text-xs text-zinc-600 underline underline-offset-2 dark:text-zinc-400"
          onClick={() => setShowAll((v) => !v)}
        >
          {showAll
            ? "Hide unchanged fields"
            : `Show ${lines.length - changed.length} unchanged field${lines.length - changed.length === 1 ? "" : "s"}`}
        </button>
      )}
    </details>
  );
}
