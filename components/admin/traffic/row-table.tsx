"use client";

import { ErrorNote, type Column } from "@/components/admin/ui";

/**
 * DataTable's twin for lists whose rows open something: each row carries a test id and opens
 * with a click or with Enter/Space from the keyboard. Loading, empty and error states as DataTable.
 */
export function RowTable<T>(props: {
  columns: Column<T>[];
  rows: T[] | null;
  rowKey: (row: T) => string;
  empty: string;
  error?: string | null;
  onOpen?: (row: T) => void;
  openLabel?: (row: T) => string;
  testId?: string;
  rowTestId: string;
}) {
  if (props.error) return <ErrorNote error={props.error} />;
  const { onOpen } = props;
  return (
    <div className="overflow-x-auto rounded-xl border border-zinc-200 dark:border-zinc-800" data-testid={props.testId}>
      <table className="w-full text-left text-sm">
        <thead className="bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500 dark:bg-zinc-900">
          <tr>
            {props.columns.map((c) => (
              <th key={c.header} scope="col" className={`whitespace-nowrap px-3 py-2 font-medium ${c.className ?? ""}`}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows === null ? (
            <tr>
              <td colSpan={props.columns.length} className="px-3 py-6 text-center text-zinc-500" aria-busy="true">
                Loading…
              </td>
            </tr>
          ) : props.rows.length === 0 ? (
            <tr>
              <td colSpan={props.columns.length} className="px-3 py-6 text-center text-zinc-500" data-testid="empty-state">
                {props.empty}
              </td>
            </tr>
          ) : (
            props.rows.map((row) => (
              <tr
                key={props.rowKey(row)}
                data-testid={props.rowTestId}
                data-id={props.rowKey(row)}
                tabIndex={onOpen ? 0 : undefined}
                aria-label={onOpen && props.openLabel ? props.openLabel(row) : undefined}
                onClick={onOpen ? () => onOpen(row) : undefined}
                onKeyDown={
                  onOpen
                    ? (e) => {
                        if (e.target === e.currentTarget && (e.key === "Enter" || e.key === " ")) {
                          e.preventDefault();
                          onOpen(row);
                        }
                      }
                    : undefined
                }
                className={`border-t border-zinc-100 dark:border-zinc-800 ${onOpen ? "cursor-pointer hover:bg-zinc-50 focus:bg-zinc-50 focus:outline-none dark:hover:bg-zinc-900 dark:focus:bg-zinc-900" : ""}`}
              >
                {props.columns.map((c) => (
                  <td key={c.header} className={`px-3 py-2 align-top ${c.className ?? ""}`}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Stops a click inside a row (a button, a dialog) from also opening the row. */
export function StopRowClick({ children }: { children: React.ReactNode }) {
  return (
    <span className="inline-flex flex-wrap gap-1" onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
      {children}
    </span>
  );
}
