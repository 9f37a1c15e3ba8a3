"use client";

import { useState } from "react";
import { ConfirmDialog } from "@/components/chat/dialog";

// The building blocks every admin page is made of, so the pages read alike.

export function PageHeader(props: { title: string; description?: string; actions?: React.ReactNode }) {
  return (
    <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
      <div>
        <h1 className="text-xl font-semibold tracking-tight">{props.title}</h1>
        {props.description && <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{props.description}</p>}
      </div>
      {props.actions && <div className="flex flex-wrap items-center gap-2">{props.actions}</div>}
    </div>
  );
}

export function Card(props: {
  title?: string;
  children: React.ReactNode;
  className?: string;
  actions?: React.ReactNode;
  testId?: string;
}) {
  return (
    <section
      data-testid={props.testId}
      className={`rounded-xl border border-zinc-200 p-4 dark:border-zinc-800 ${props.className ?? ""}`}
    >
      {(props.title || props.actions) && (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {props.title && <h2 className="font-medium">{props.title}</h2>}
          {props.actions}
        </div>
      )}
      {props.children}
    </section>
  );
}

export function Stat(props: { label: string; value: React.ReactNode; hint?: string; testId?: string }) {
  return (
    <div className="rounded-xl border border-zinc-200 p-4 dark:border-zinc-800" data-testid={props.testId}>
      <div className="text-xs uppercase tracking-wide text-zinc-500">{props.label}</div>
      <div className="mt-1 text-2xl font-semibold tabular-nums">{props.value}</div>
      {props.hint && <div className="mt-1 text-xs text-zinc-500">{props.hint}</div>}
    </div>
  );
}

type Variant = "primary" | "secondary" | "danger";
const variants: Record<Variant, string> = {
  primary: "bg-zinc-900 text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300",
  secondary: "border border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800",
  danger:
    "border border-red-300 text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-400 dark:hover:bg-red-950",
};

export function Button({
  variant = "secondary",
  className,
  ...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return (
    <button
      type="button"
      {...props}
      className={`rounded-lg px-3 py-1.5 text-sm disabled:opacity-50 ${variants[variant]} ${className ?? ""}`}
    />
  );
}

/** A destructive action behind an "are you sure?" dialog. */
export function ConfirmButton(props: {
  label: string;
  title: string;
  message: React.ReactNode;
  confirmLabel?: string;
  onConfirm: () => Promise<void>;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="danger" data-testid={props.testId} onClick={() => setOpen(true)}>
        {props.label}
      </Button>
      <ConfirmDialog
        open={open}
        title={props.title}
        message={props.message}
        confirmLabel={props.confirmLabel ?? props.label}
        onConfirm={props.onConfirm}
        onClose={() => setOpen(false)}
      />
    </>
  );
}

const inputClass = "w-full rounded-lg border border-zinc-300 bg-transparent px-2.5 py-1.5 text-sm dark:border-zinc-700";

export function Field(props: { label: string; hint?: string; children: React.ReactNode }) {
  return (
    <label className="block text-sm">
      <span className="mb-1 block font-medium">{props.label}</span>
      {props.children}
      {props.hint && <span className="mt-1 block text-xs text-zinc-500">{props.hint}</span>}
    </label>
  );
}

export function Input(props: React.InputHTMLAttributes<HTMLInputElement>) {
  return <input {...props} className={`${inputClass} ${props.className ?? ""}`} />;
}

export function Select(props: React.SelectHTMLAttributes<HTMLSelectElement>) {
  return <select {...props} className={`${inputClass} ${props.className ?? ""}`} />;
}

export function Textarea(props: React.TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea {...props} className={`${inputClass} ${props.className ?? ""}`} />;
}

export function ErrorNote({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p
      role="alert"
      className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700 dark:border-red-900 dark:bg-red-950 dark:text-red-300"
    >
      {error}
    </p>
  );
}

export function Badge({
  tone = "zinc",
  children,
}: {
  tone?: "zinc" | "green" | "red" | "amber" | "blue";
  children: React.ReactNode;
}) {
  const tones = {
    zinc: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
    green: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
    red: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
    amber: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
    blue: "bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-300",
  };
  return <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ${tones[tone]}`}>{children}</span>;
}

/**
 * The box every admin table sits in: on a narrow screen the table scrolls sideways inside it and the
 * page itself never does. `data-table-scroll` lets the e2e pass check that no table is left outside one.
 */
export function TableScroll(props: { children: React.ReactNode; className?: string; testId?: string }) {
  return (
    <div
      data-testid={props.testId}
      data-table-scroll=""
      className={`min-w-0 max-w-full overflow-x-auto rounded-xl border border-zinc-200 dark:border-zinc-800 ${props.className ?? ""}`}
    >
      {props.children}
    </div>
  );
}

export type Column<T> = { header: string; cell: (row: T) => React.ReactNode; className?: string };

/**
 * A table with its loading, empty and error states; rows may carry a test id and open something
 * with a click or Enter/Space. Scrolls sideways inside its box on phones.
 */
export function DataTable<T>(props: {
  columns: Column<T>[];
  rows: T[] | null;
  rowKey: (row: T) => string;
  /** A test id on each row: one for all, or one per row (e.g. `key-row-<id>`). */
  rowTestId?: string | ((row: T) => string);
  empty: string;
  error?: string | null;
  onOpen?: (row: T) => void;
  openLabel?: (row: T) => string;
  testId?: string;
}) {
  if (props.error) return <ErrorNote error={props.error} />;
  const { onOpen } = props;
  return (
    <TableScroll testId={props.testId}>
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
              <td
                colSpan={props.columns.length}
                className="px-3 py-6 text-center text-zinc-500"
                aria-busy="true"
                data-testid="loading-state"
              >
                Loading…
              </td>
            </tr>
          ) : props.rows.length === 0 ? (
            <tr>
              <td
                colSpan={props.columns.length}
                className="px-3 py-6 text-center text-zinc-500"
                data-testid="empty-state"
              >
                {props.empty}
              </td>
            </tr>
          ) : (
            props.rows.map((row) => (
              <tr
                key={props.rowKey(row)}
                data-testid={typeof props.rowTestId === "function" ? props.rowTestId(row) : props.rowTestId}
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
    </TableScroll>
  );
}

/** Stops a click inside a row (a button, a dialog) from also opening the row. */
export function StopRowClick({ children }: { children: React.ReactNode }) {
  return (
    <span
      className="inline-flex flex-wrap gap-1"
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => e.stopPropagation()}
    >
      {children}
    </span>
  );
}

export function Pagination(props: {
  total: number;
  limit: number;
  offset: number;
  onOffset: (offset: number) => void;
}) {
  const { total, limit, offset } = props;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return (
    <div
      className="mt-3 flex items-center justify-between gap-2 text-sm text-zinc-600 dark:text-zinc-400"
      data-testid="pagination"
    >
      <span>
        {from.toLocaleString()}–{to.toLocaleString()} of {total.toLocaleString()}
      </span>
      <div className="flex gap-2">
        <Button disabled={offset === 0} onClick={() => props.onOffset(Math.max(0, offset - limit))}>
          Previous
        </Button>
        <Button disabled={offset + limit >= total} onClick={() => props.onOffset(offset + limit)}>
          Next
        </Button>
      </div>
    </div>
  );
}
