import { createHash } from "node:crypto";

// Recognises a stateless client re-sending a conversation with one more turn: the hash of a
// request's prior messages equals the hash of the previous request's messages plus its reply.

type Msg = { role?: unknown; content?: unknown; tool_calls?: unknown; tool_call_id?: unknown };

export function messageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((p) =>
      p && typeof p === "object" && (p as { type?: string }).type === "text"
        ? String((p as { text?: unknown }).text ?? "")
        : "",
    )
    .join("");
}

function normalize(m: Msg): unknown[] {
  const calls = Array.isArray(m.tool_calls)
    ? (m.tool_calls as Array<{ function?: { name?: string; arguments?: string } }>).map((c) => [
        c.function?.name ?? "",
        c.function?.arguments ?? "",
      ])
    : [];
  return [String(m.role ?? ""), messageText(m.content).trim(), calls, m.tool_call_id ?? null];
}

export function conversationHash(messages: Msg[]): string {
  return hashOf(messages.map((m) => JSON.stringify(normalize(m))));
}

/** The hash of the JSON array of these (already serialised) normalised messages: the same bytes as JSON.stringify of the array. */
function hashOf(serialised: string[]): string {
  return createHash("sha256")
    .update(`[${serialised.join(",")}]`)
    .digest("hex");
}

export type ReplyMessage = { role: "assistant"; content: string | null; tool_calls?: unknown[] };

export function sessionKeys(messages: Msg[], reply: ReplyMessage, header: string | null) {
  const firstUser = messages.find((m) => m.role === "user");
  // Each message is normalised and serialised once for both hashes.
  const serialised = messages.map((m) => JSON.stringify(normalize(m)));
  return {
    header: header ?? undefined,
    priorHash: hashOf(serialised.slice(0, -1)),
    nextHash: hashOf([...serialised, JSON.stringify(normalize(reply))]),
    title: messageText(firstUser?.content).replace(/\s+/g, " ").trim().slice(0, 80),
  };
}

/** Every character of message text, for the estimate used when an upstream reports no usage. */
export function promptText(messages: Msg[]): string {
  return messages.map((m) => messageText(m.content)).join("");
}
