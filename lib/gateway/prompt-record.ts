import { keptSourceText } from "@/lib/api/body";

/**
 * The prompt as the Request row keeps it, as JSON text: image data is replaced by a marker so
 * records stay small. Serialised once, here — the row takes this text as it is (a 1 MB prompt
 * used to be serialised, parsed back and serialised again).
 */
export function promptForHistory(messages: unknown, sent?: unknown): string {
  // The messages as the client wrote them (`sent`, equal to `messages`: the schema keeps every field
  // and changes none), when their text was kept and plainly holds no image data to replace — no
  // "data:" anywhere, no escape that could spell one.
  const text = keptSourceText(sent);
  if (text !== undefined && !text.includes("data:") && !text.includes("\\u")) return text;
  return JSON.stringify(messages, (_k, v) =>
    typeof v === "string" && v.startsWith("data:") && v.length > 256
      ? `[${v.slice(5, v.indexOf(";"))} ${v.length} bytes]`
      : v,
  );
}
