/**
 * The prompt as the Request row keeps it, as JSON text: image data is replaced by a marker so
 * records stay small. Serialised once, here — the row takes this text as it is (a 1 MB prompt
 * used to be serialised, parsed back and serialised again).
 */
export function promptForHistory(messages: unknown): string {
  return JSON.stringify(messages, (_k, v) =>
    typeof v === "string" && v.startsWith("data:") && v.length > 256
      ? `[${v.slice(5, v.indexOf(";"))} ${v.length} bytes]`
      : v,
  );
}
