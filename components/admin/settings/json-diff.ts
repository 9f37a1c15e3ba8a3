// Audit rows keep a before and an after snapshot; the page shows them as one line per field.

export type DiffLine = { path: string; before: string | undefined; after: string | undefined; changed: boolean };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Nested objects become dotted paths ("defaultUserLimits.rpm"); anything else is one JSON value. */
function flatten(value: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
  if (isPlainObject(value) && (Object.keys(value).length > 0 || prefix === "")) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined) {
    out.set(prefix || "(value)", JSON.stringify(value));
  }
  return out;
}

/** Every field of either side, sorted, marked changed when the two sides differ. */
export function diffSnapshots(before: unknown, after: unknown): DiffLine[] {
  const a = before == null ? new Map<string, string>() : flatten(before);
  const b = after == null ? new Map<string, string>() : flatten(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.map((path) => ({ path, before: a.get(path), after: b.get(path), changed: a.get(path) !== b.get(path) }));
}
