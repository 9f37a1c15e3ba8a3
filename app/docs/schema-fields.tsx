// A JSON Schema (from the OpenAPI document) as a readable list of fields: name, type, required,
// constraints, nested objects indented. Server-rendered, no client code.

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | JsonSchema;
};

/** `string | null`, `array of string`, `"USER" | "ADMIN"`… */
export function typeLabel(s: JsonSchema): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((e) => JSON.stringify(e)).join(" | ");
  const union = s.anyOf ?? s.oneOf;
  if (union) return [...new Set(union.map(typeLabel))].join(" | ");
  if (Array.isArray(s.type)) return s.type.join(" | ");
  if (s.type === "array") return s.items ? `array of ${typeLabel(s.items)}` : "array";
  if (s.type === "string" && s.format) return `string (${s.format})`;
  return s.type ?? "any";
}

function constraints(s: JsonSchema): string[] {
  const out: string[] = [];
  const inner = (s.anyOf ?? s.oneOf)?.find((x) => x.type !== "null") ?? s;
  if (inner.minLength !== undefined || inner.maxLength !== undefined)
    out.push(`length ${inner.minLength ?? 0}–${inner.maxLength ?? "∞"}`);
  const low =
    inner.minimum !== undefined
      ? `${inner.minimum} ≤ `
      : inner.exclusiveMinimum !== undefined
        ? `${inner.exclusiveMinimum} < `
        : "";
  const high =
    inner.maximum !== undefined
      ? ` ≤ ${inner.maximum}`
      : inner.exclusiveMaximum !== undefined
        ? ` < ${inner.exclusiveMaximum}`
        : "";
  if (low || high) out.push(`${low}value${high}`);
  if (inner.maxItems !== undefined) out.push(`at most ${inner.maxItems} items`);
  if (inner.pattern && inner.pattern.length < 60) out.push(`pattern ${inner.pattern}`);
  if (s.default !== undefined) out.push(`default ${JSON.stringify(s.default)}`);
  return out;
}

function nestedObject(s: JsonSchema): JsonSchema | null {
  const candidates = [s, s.items, ...(s.anyOf ?? []), ...(s.oneOf ?? [])];
  return candidates.find((c) => c?.properties && Object.keys(c.properties).length > 0) ?? null;
}

export function SchemaFields({ schema, depth = 0 }: { schema: JsonSchema; depth?: number }) {
  const props = Object.entries(schema.properties ?? {});
  if (props.length === 0) return <p className="text-sm text-zinc-500">{typeLabel(schema)}</p>;
  const required = new Set(schema.required ?? []);
  return (
    <ul className={depth ? "ml-4 border-l border-zinc-200 pl-3 dark:border-zinc-800" : ""}>
      {props.map(([name, prop]) => {
        const nested = depth < 3 ? nestedObject(prop) : null;
        return (
          <li key={name} className="py-1 text-sm">
            <code className="font-semibold">{name}</code>
            <span className="ml-2 font-mono text-xs text-sky-700 dark:text-sky-400">{typeLabel(prop)}</span>
            {required.has(name) && <span className="ml-2 text-xs font-medium text-rose-600">required</span>}
            {constraints(prop).map((c) => (
              <span key={c} className="ml-2 text-xs text-zinc-500">
                {c}
              </span>
            ))}
            {prop.description && (
              <p className="text-xs text-zinc-600 dark:text-zinc-400">
                <Prose text={prop.description} />
              </p>
            )}
            {nested && <SchemaFields schema={nested} depth={depth + 1} />}
          </li>
        );
      })}
    </ul>
  );
}

/** Text with `inline code` spans, as the document's descriptions are written. */
export function Prose({ text }: { text: string }) {
  return (
    <>
      {text.split(/`([^`]+)`/).map((part, i) =>
        i % 2 ? (
          <code key={i} className="rounded bg-zinc-100 px-1 font-mono text-[0.9em] dark:bg-zinc-900">
            {part}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}
