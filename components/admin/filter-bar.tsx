"use client";

import { Button, Field, Input } from "@/components/admin/ui";
import type { useUrlFilters } from "@/components/admin/use-url-filters";

export type FilterField<K extends string> = { name: K; label: string; placeholder?: string; testId: string };

const columns: Record<number, string> = { 1: "", 2: "sm:grid-cols-2", 3: "sm:grid-cols-3", 4: "sm:grid-cols-4" };
const span: Record<number, string> = { 1: "", 2: "sm:col-span-2", 3: "sm:col-span-3", 4: "sm:col-span-4" };

/** A list page's text filters (the first one a search box), kept in the URL, with "Clear filters". */
export function FilterBar<K extends string>(props: {
  fields: FilterField<K>[];
  state: ReturnType<typeof useUrlFilters<K>>;
  testId?: string;
}) {
  const { filters, set, clear, active } = props.state;
  const n = props.fields.length;
  return (
    <form
      className={`mb-4 grid grid-cols-1 gap-3 ${columns[n] ?? "sm:grid-cols-4"}`}
      onSubmit={(e) => e.preventDefault()}
      data-testid={props.testId}
    >
      {props.fields.map((f, i) => (
        <Field key={f.name} label={f.label}>
          <Input
            type={i === 0 ? "search" : "text"}
            value={filters[f.name]}
            onChange={(e) => set(f.name, e.target.value)}
            placeholder={f.placeholder}
            data-testid={f.testId}
          />
        </Field>
      ))}
      <ClearFilters active={active} clear={clear} className={span[n] ?? "sm:col-span-4"} />
    </form>
  );
}

/** "Clear filters" under a filter form, shown only while a filter is set; `className` spans the form's grid. */
export function ClearFilters(props: { active: boolean; clear: () => void; className?: string }) {
  if (!props.active) return null;
  return (
    <div className={props.className}>
      <Button onClick={props.clear}>Clear filters</Button>
    </div>
  );
}
