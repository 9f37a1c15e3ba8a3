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
  const hash = new ArrayHash();
  for (const m of messages) hash.add(JSON.stringify(normalize(m)));
  return hash.digest();
}

/**
 * SHA-256 of the JSON array of (already serialised) normalised messages — the same bytes as
 * JSON.stringify of the array — fed piece by piece: a large message goes to the hash as it is
 * instead of being copied into one joined string first, and a prefix's digest can be taken
 * without hashing the prefix again.
 */
class ArrayHash {
  private readonly hash = createHash("sha256");
  private pending = "[";
  private count = 0;

  add(serialised: string): void {
    if (this.count++ > 0) this.pending += ",";
    if (serialised.length < 16_384) this.pending += serialised;
    else {
      this.hash.update(this.pending).update(serialised);
      this.pending = "";
    }
  }

  /** The digest of the array so far; more may be added afterwards. */
  digestSoFar(): string {
    return this.hash.copy().update(`${this.pending}]`).digest("hex");
  }

  digest(): string {
    return this.hash.update(`${this.pending}]`).digest("hex");
  }
}

export type ReplyMessage = { role: "assistant"; content: string | null; tool_calls?: unknown[] };

export function sessionKeys(messages: Msg[], reply: ReplyMessage, header: string | null) {
  const firstUser = messages.find((m) => m.role === "user");
  // Each message is normalised, serialised and hashed once for both hashes: the prior messages are
  // the next hash's prefix.
  const hash = new ArrayHash();
  for (const m of messages.slice(0, -1)) hash.add(JSON.stringify(normalize(m)));
  const priorHash = hash.digestSoFar();
  for (const m of [...messages.slice(-1), reply]) hash.add(JSON.stringify(normalize(m)));
  return {
    header: header ?? undefined,
    priorHash,
    nextHash: hash.digest(),
    title: titleOf(messageText(firstUser?.content)),
  };
}

const TITLE_LENGTH = 80;

/**
 * The text's first TITLE_LENGTH characters with whitespace runs as one space, trimmed. Only the
 * start is read: collapsing whitespace over a whole 1 MB prompt took longer than the rest of the
 * request. Collapsing a prefix gives a prefix of the collapsed text, so a growing prefix is collapsed
 * until it yields more than the title needs.
 */
export function titleOf(text: string): string {
  for (let end = 4 * TITLE_LENGTH; ; end *= 4) {
    const head = text.slice(0, end).replace(/\s+/g, " ").trimStart();
    if (end >= text.length) return head.trimEnd().slice(0, TITLE_LENGTH);
    if (head.length > TITLE_LENGTH) return head.slice(0, TITLE_LENGTH);
  }
}

/**
 * How many characters of message text the messages hold — messageText's lengths, counted without
 * joining the text — for the estimates (rate limits, usage when an upstream reports none), which
 * depend on the length only: a few steps per message, whatever the prompt's size.
 */
export function promptLength(messages: Msg[]): number {
  let length = 0;
  for (const m of messages) length += messageLength(m.content);
  return length;
}

function messageLength(content: unknown): number {
  if (typeof content === "string") return content.length;
  if (!Array.isArray(content)) return 0;
  let length = 0;
  for (const p of content)
    if (p && typeof p === "object" && (p as { type?: string }).type === "text")
      length += String((p as { text?: unknown }).text ?? "").length;
  return length;
}
