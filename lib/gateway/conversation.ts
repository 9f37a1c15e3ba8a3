import { createHash, webcrypto } from "node:crypto";
import { keptMemberTexts } from "@/lib/api/body";
import type { SessionKey } from "@/lib/billing/settle";

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

/** The hash of a conversation, by definition: SHA-256 of the JSON array of its normalised messages. */
export function conversationHash(messages: Msg[]): string {
  return createHash("sha256")
    .update(JSON.stringify(messages.map(normalize)))
    .digest("hex");
}

/**
 * The JSON text of an array of (already serialised) normalised messages — the same text as
 * JSON.stringify of the array — in pieces: a large message is hashed as it is instead of being
 * copied into one joined string first, and the digest of the array's first elements can be taken
 * from the same pieces.
 */
class ArrayText {
  readonly pieces: string[] = ["["];
  chars = 1;
  private count = 0;

  /** One element, as its JSON text or as the pieces of it. */
  add(serialised: string | readonly string[]): void {
    if (this.count++ > 0) this.push(",");
    for (const part of typeof serialised === "string" ? [serialised] : serialised) this.push(part);
  }

  /** Where the elements added so far end. */
  mark(): number {
    return this.pieces.length;
  }

  private push(piece: string): void {
    this.pieces.push(piece);
    this.chars += piece.length;
  }
}

/** From this many characters of conversation on, its hashes are taken on libuv's threadpool. */
export const HASHED_OFF_THREAD_FROM = 64 * 1024;

/**
 * SHA-256 (hex) of the array closed after its first elements (up to `mark`) and of the whole array.
 * A small conversation is hashed here, the prefix once for both. A large one is encoded into the
 * scratch buffer (scratchBuffer) and hashed by WebCrypto, whose digests run on libuv's threadpool:
 * hashing a 1 MB conversation held the event loop ~0.65 ms (the recorder's, landing on whichever
 * request came next); encoding it and handing it over takes ~0.2 ms.
 */
async function digests(text: ArrayText, mark: number): Promise<[string, string]> {
  const { pieces } = text;
  // A UTF-16 code unit is at most 3 bytes of UTF-8 (a lone surrogate is written as U+FFFD, as
  // Hash.update writes it): that bound saves a pass to measure the text, unless the exact size is
  // what fits the scratch buffer. Larger still, it is hashed here: fresh memory costs more.
  const bound = 3 * text.chars + 1;
  const size = bound <= SCRATCH_KEPT_UP_TO ? bound : pieces.reduce((n, piece) => n + Buffer.byteLength(piece), 1);
  if (text.chars < HASHED_OFF_THREAD_FROM || size > SCRATCH_KEPT_UP_TO) {
    const hash = createHash("sha256").update(pieces.slice(0, mark).join(""));
    const prior = hash.copy().update("]").digest("hex");
    return [prior, hash.update(`${pieces.slice(mark).join("")}]`).digest("hex")];
  }
  // WebCrypto copies what it is to hash when asked (its job runs on a copy), so the prior
  // messages' closing bracket is overwritten by the rest, and the buffer by the next conversation.
  const bytes = scratchBuffer(size);
  const write = (from: number, to: number, at: number) => {
    for (let i = from; i < to; i++) at += bytes.write(pieces[i], at);
    return at;
  };
  const priorEnd = write(0, mark, 0);
  bytes[priorEnd] = 0x5d; // ]
  const prior = webcrypto.subtle.digest("SHA-256", bytes.subarray(0, priorEnd + 1));
  const end = write(mark, pieces.length, priorEnd);
  bytes[end] = 0x5d;
  const whole = webcrypto.subtle.digest("SHA-256", bytes.subarray(0, end + 1));
  return [Buffer.from(await prior).toString("hex"), Buffer.from(await whole).toString("hex")];
}

/** The largest scratch buffer: a conversation of 8 MB of UTF-8 (2.8 million characters by the bound). */
const SCRATCH_KEPT_UP_TO = 8 * 1024 * 1024;

// One for the process: Next.js bundles this module into each route that uses it.
const globalForHashes = globalThis as unknown as { tollgateHashScratch?: Buffer };

/**
 * A buffer of at least `size` bytes, reused: fresh memory for each large conversation cost more
 * (its pages faulted in as they were written, then again for WebCrypto's copy) than hashing it on
 * the event loop — 0.73 against 0.66 ms for 1 MB; reused, 0.15–0.18 ms.
 */
function scratchBuffer(size: number): Buffer {
  const kept = globalForHashes.tollgateHashScratch;
  if (kept && kept.length >= size) return kept;
  const grown = Buffer.allocUnsafeSlow(Math.min(SCRATCH_KEPT_UP_TO, Math.max(size, 2 * (kept?.length ?? 0))));
  globalForHashes.tollgateHashScratch = grown;
  return grown;
}

export type ReplyMessage = { role: "assistant"; content: string | null; tool_calls?: unknown[] };

/**
 * The session keys of a request: the hash of its prior messages, and of all its messages with the
 * reply — the next request's prior hash. `sent` is the messages as the client sent them (the body's
 * own array, whose text keepSourceTexts may have kept): a large message's text goes to the hash as
 * the client escaped it, not serialised again (see escapedContents).
 */
export async function sessionKeys(
  messages: Msg[],
  reply: ReplyMessage,
  header: string | null,
  sent?: unknown,
): Promise<SessionKey> {
  const firstUser = messages.find((m) => m.role === "user");
  const escaped = escapedContents(messages, sent);
  const serialised = (m: Msg, i: number) => {
    const text = escaped?.[i];
    return text === undefined
      ? JSON.stringify(normalize(m))
      : [`[${JSON.stringify(String(m.role ?? ""))},"`, text, `",[],null]`];
  };
  // Each message is normalised and serialised once for both hashes: the prior messages are the
  // next hash's prefix.
  const text = new ArrayText();
  for (let i = 0; i < messages.length - 1; i++) text.add(serialised(messages[i], i));
  const mark = text.mark();
  if (messages.length > 0) text.add(serialised(messages[messages.length - 1], messages.length - 1));
  text.add(JSON.stringify(normalize(reply)));
  const [priorHash, nextHash] = await digests(text, mark);
  return { header: header ?? undefined, priorHash, nextHash, title: titleOf(messageText(firstUser?.content)) };
}

/** Messages with less text than this are serialised as before: finding the client's text costs more. */
const ESCAPED_FROM = 16 * 1024;

/**
 * For each large message, what JSON.stringify(normalize(message)) holds for its content between the
 * quotes — the trimmed content, escaped — cut from the client's own string literal, when that is the
 * same text: the content is a string, the message has no tool calls, and the literal's only escapes
 * are the short ones JSON.stringify writes itself (\" \\ \b \f \n \r \t — not \u, not \/; a raw
 * character in a JSON string is never one JSON.stringify escapes). Serialising a 1 MB message took
 * ~1.4 ms; this is an indexOf per escape. The whitespace trim() removes is cut off the literal in its
 * escaped width; the rest's length, less its escapes, must be the trimmed content's — a check that the
 * client's text and the parsed messages line up.
 */
export function escapedContents(messages: Msg[], sent: unknown): Array<string | undefined> | undefined {
  if (!messages.some((m) => typeof m.content === "string" && m.content.length >= ESCAPED_FROM)) return undefined;
  const members = keptMemberTexts(sent, "content");
  if (!members || members.length !== messages.length) return undefined;
  return messages.map((m, i) => {
    const literal = members[i];
    const content = m.content;
    if (typeof content !== "string" || literal === undefined || literal.charCodeAt(0) !== 0x22) return undefined;
    if (Array.isArray(m.tool_calls) || m.tool_call_id != null) return undefined;
    const trimmed = content.trim();
    if (trimmed.length < ESCAPED_FROM) return undefined;
    let escapes = 0;
    for (let b = literal.indexOf("\\"); b !== -1; b = literal.indexOf("\\", b + 2)) {
      const next = literal.charCodeAt(b + 1);
      if (next === 0x75 /* u */ || next === 0x2f /* / */) return undefined;
      escapes++;
    }
    const head = escapedWidth(content, 0, content.length - content.trimStart().length);
    const tail = escapedWidth(content, content.trimEnd().length, content.length);
    const text = literal.slice(1 + head.width, literal.length - 1 - tail.width);
    return text.length - (escapes - head.escapes - tail.escapes) === trimmed.length ? text : undefined;
  });
}

/** How wide whitespace is in a JSON string: \t \n \f \r are written as two characters, the rest as one. */
function escapedWidth(text: string, from: number, to: number): { width: number; escapes: number } {
  let escapes = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) escapes++;
  }
  return { width: to - from + escapes, escapes };
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
