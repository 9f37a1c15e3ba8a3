"use client";

import { Select } from "@/components/admin/ui";
import { useGroupOptions } from "./use-group-options";

/** A group picker; `noneLabel` is the empty choice ("No group" in forms, "Any group" in filters). */
export function GroupSelect(props: {
  value: string;
  onChange: (id: string) => void;
  noneLabel: string;
  testId?: string;
  name?: string;
}) {
  const { groups, error } = useGroupOptions();
  return (
    <Select
      name={props.name ?? "group_id"}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      data-testid={props.testId}
      aria-invalid={error ? true : undefined}
    >
      <option value="">{error ? "Groups could not be loaded" : props.noneLabel}</option>
      {groups?.map((g) => (
        <option key={g.id} value={g.id}>
          {g.name}
        </option>
      ))}
      {/* A group from the URL that is not (yet) loaded still shows as chosen. */}
      {props.value && groups && !groups.some((g) => g.id === props.value) && (
        <option value={props.value}>{props.value}</option>
      )}
    </Select>
  );
}
