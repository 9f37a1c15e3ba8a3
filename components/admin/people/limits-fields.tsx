"use client";

import { Field, Input } from "@/components/admin/ui";
import { LIMIT_FIELDS, type LimitName, type LimitValues } from "./limits";

/** The eight limit inputs; an empty box means "no limit at this level". Test ids: `<prefix>-<field>`. */
export function LimitsFields(props: {
  values: LimitValues;
  onChange: (name: LimitName, value: string) => void;
  testIdPrefix: string;
  disabled?: boolean;
}) {
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
      {LIMIT_FIELDS.map((f) => (
        <Field key={f.name} label={f.label} hint={"hint" in f ? f.hint : undefined}>
          <Input
            name={f.name}
            value={props.values[f.name]}
            onChange={(e) => props.onChange(f.name, e.target.value)}
            inputMode={f.kind === "money" ? "decimal" : "numeric"}
            placeholder="No limit"
            autoComplete="off"
            disabled={props.disabled}
            data-testid={`${props.testIdPrefix}-${f.name}`}
          />
        </Field>
      ))}
    </div>
  );
}
