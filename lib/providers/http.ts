import "server-only";
import { Readable } from "node:stream";
import type { Agent } from "undici";
import { type Config, config } from "@/lib/config";
import { logger } from "@/lib/logging/logger";
import { followRedirect, outboundAgent, outboundFetch } from "@/lib/net/fetch";
import { checkOutboundUrlForm, OutboundRefused } from "@/lib/net/policy";
import { UpstreamError } from "./types";

// One pooled keep-alive agent for every upstream; the connect timeout is ours, the rest of the
// timing (first token, idle between chunks) is enforced by the gateway while it reads. It connects
// only to addresses the outbound policy allows (lib/net), checked again at every connection.
// The pool has no cap on connections per upstream: on HTTP/1.1 a stream holds its connection for as
// long as it lasts, so a cap is a cap on the streams open to one provider — at 256, the 257th
// waited, silent, for another stream to end. The clients' own connections bound how many there are.
// With UPSTREAM_HTTP2_STREAMS set, an upstream whose TLS handshake chooses HTTP/2 carries that many
// requests on each connection instead (lib/net/fetch.ts): 10,000 open streams then hold ~100
// sockets, not 10,000.
const globalForHttp = globalThis as unknown as { tollgateAgent?: Agent };

/** The upstream agent's options (a test that must trust its own certificate builds one from them). */
export function upstreamAgentOptions(): Parameters<typeof outboundAgent>[0] & {} {
  return {
    connect: { timeout: config().UPSTREAM_CONNECT_TIMEOUT_MS },
    keepAliveTimeout: 30_000,
    connections: null,
    http2Streams: config().UPSTREAM_HTTP2_STREAMS,
    headersTimeout: 0,
    bodyTimeout: 0,
  };
}

function agent(): Agent {
  globalForHttp.tollgateAgent ??= outboundAgent(upstreamAgentOptions());
  return globalForHttp.tollgateAgent;
}

type UpstreamInit = {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal: AbortSignal;
};

export async function upstreamFetch(url: string, init: UpstreamInit) {
  try {
    return await outboundFetch(url, { ...init, dispatcher: agent() });
  } catch (err) {
    throw upstreamNetworkError(err, init.signal);
  }
}

/** What the gateway reads of an upstream's answer. */
export type UpstreamResponse = {
  status: number;
  ok: boolean;
  body: AsyncIterable<Uint8Array>;
  json(): Promise<unknown>;
  text(): Promise<string>;
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const checkedTargets = new WeakMap<Config, Map<string, { origin: string; path: string; url: URL }>>();

/**
 * checkOutboundUrlForm for the gateway's few upstream URLs, each checked once per configuration (the
 * check depends on nothing else) instead of parsed and matched against every range per request. A
 * URL that fails is not kept: it fails each time.
 */
function checkedTarget(raw: string): { origin: string; path: string; url: URL } {
  const cfg = config();
  let known = checkedTargets.get(cfg);
  if (!known) checkedTargets.set(cfg, (known = new Map()));
  let target = known.get(raw);
  if (!target) {
    const url = checkOutboundUrlForm(raw);
    target = { origin: url.origin, path: url.pathname + url.search, url };
    if (known.size >= 1_000) known.clear();
    known.set(raw, target);
  }
  return target;
}

/**
 * The gateway's hot path to an upstream: the same pooled agent and address checks as
 * upstreamFetch, through undici's own request API, which skips fetch's WHATWG streams and header
 * objects (undici's fetch was the largest item in the gateway's CPU profile). A redirect — rare for
 * a chat endpoint — is followed as outboundFetch follows one, every hop checked.
 */
export async function upstreamRequest(
  url: string,
  init: Omit<UpstreamInit, "body"> & { method: "POST" | "GET"; body?: string | Uint8Array | Uint8Array[] },
): Promise<UpstreamResponse> {
  try {
    const target = checkedTarget(url);
    // A body in parts (stringifyKeepingSource: a large body's own bytes between two short pieces) is
    // written part by part under its whole length, not copied into one buffer first.
    const parts = Array.isArray(init.body) ? init.body : null;
    const res = await agent().request({
      origin: target.origin,
      path: target.path,
      method: init.method,
      headers: parts
        ? { ...init.headers, "content-length": String(parts.reduce((n, p) => n + p.byteLength, 0)) }
        : init.headers,
      // undici writes any iterable body (its types name only the single-buffer kinds).
      body: init.body as string | Uint8Array | undefined,
      signal: init.signal,
    });
    const location = res.headers.location;
    if (REDIRECTS.has(res.statusCode) && typeof location === "string") {
      await res.body.dump().catch(() => {});
      return (await followRedirect(target.url, res.statusCode, location, {
        ...init,
        body: parts ? Buffer.concat(parts) : (init.body as string | Uint8Array | undefined),
        dispatcher: agent(),
      })) as UpstreamResponse;
    }
    const body = res.body;
    return {
      status: res.statusCode,
      ok: res.statusCode >= 200 && res.statusCode < 300,
      body,
      json: () => body.json(),
      text: () => body.text(),
    };
  } catch (err) {
    throw upstreamNetworkError(err, init.signal);
  }
}

function upstreamNetworkError(err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason ?? err;
  const refused = refusedUpstreamError(err);
  if (refused) return refused;
  // fetch wraps the network error as its cause; undici's request API throws it as is.
  const cause = ((err as { cause?: unknown }).cause ?? err) as { code?: string; message?: string };
  const timeout = cause?.code === "UND_ERR_CONNECT_TIMEOUT";
  return new UpstreamError(
    timeout ? "Upstream connect timeout" : `Upstream unreachable (${cause?.code ?? cause?.message ?? "network error"})`,
    timeout ? 504 : 502,
    true,
    timeout ? "timeout" : "network",
  );
}

/** A refusal by the outbound policy, anywhere in the error's causes, as a non-retryable UpstreamError. */
export function refusedUpstreamError(err: unknown): UpstreamError | null {
  for (let e = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    if (!(e instanceof OutboundRefused)) continue;
    // The detail names internal addresses: it goes to the log, not to API clients.
    logger.warn({ reason: e.message }, "outbound request refused");
    return new UpstreamError(
      "Upstream address refused by the outbound address policy (OUTBOUND_ALLOW); see the server log",
      502,
      false,
      "network",
    );
  }
  return null;
}

/** fetch for the AI SDK providers (Bedrock, Ollama): the same checked, pooled connections. */
export const providerFetch = ((input: string | URL, init?: RequestInit) =>
  outboundFetch(input, {
    ...(init as Parameters<typeof outboundFetch>[1]),
    dispatcher: agent(),
  })) as unknown as typeof globalThis.fetch;

/** Reads an error body from an upstream without ever echoing more than a short message. */
export async function upstreamErrorFrom(
  res: { status: number; text(): Promise<string> },
  provider: string,
): Promise<UpstreamError> {
  const text = await res.text().catch(() => "");
  let message = "";
  try {
    const json = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    message = typeof json.error === "string" ? json.error : (json.error?.message ?? json.message ?? "");
  } catch {
    message = text.slice(0, 200);
  }
  const retryable = res.status === 429 || res.status >= 500;
  return new UpstreamError(
    `Upstream ${provider} answered ${res.status}${message ? `: ${message.slice(0, 300)}` : ""}`,
    res.status,
    retryable,
  );
}

/**
 * What the events of one read become: the items to pass on; then `stop` once the stream has said all
 * it will (the rest of the body is drained, not read), or `error` to fail the stream after the items.
 */
export type SseStep<T> = { items: T[]; stop?: boolean; error?: unknown };

type Settled<T> = { value: T[] } | { error: unknown } | { done: true };

/**
 * A stream's reader in push mode: each batch as it comes, with no promise per batch. `batch`
 * answers false to ask for nothing more until the source's `resume()`; `end` or `fail` comes once.
 */
export interface BatchListener<T> {
  batch(items: T[]): boolean;
  end(): void;
  fail(err: unknown): void;
}

/**
 * Delivers an upstream's batches to `listener`: an SseRelay pushes them itself; any other iterator is
 * read batch by batch (a promise per batch, as before), pausing while the listener asked it to.
 */
export function listenTo<T>(it: AsyncIterator<T[]>, listener: BatchListener<T>): { resume(): void } {
  if (it instanceof SseRelay) {
    it.listen(listener);
    return it;
  }
  let wake: (() => void) | null = null;
  const pump = async () => {
    for (;;) {
      const r = await it.next();
      if (r.done) return listener.end();
      if (!listener.batch(r.value))
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
    }
  };
  pump().catch((err) => listener.fail(err));
  return {
    resume() {
      const w = wake;
      wake = null;
      w?.();
    },
  };
}

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * An SSE body relayed as batches of items, `step` turning the events of each read into items, and
 * `atEnd` saying whether a body that ended without a `stop` ended too early. A failure of the body
 * itself becomes "Upstream stream was cut off" (an UpstreamError, e.g. the reason the call was aborted
 * with, is kept).
 *
 * Written as an iterator over the body's 'data' events, not as async generators over its async
 * iterator: between two chunks of a slow stream, each generator layer held promises of its own, and
 * with 10,000 streams open, what lived from one chunk to the next (a second later) survived the young
 * generation's collections and filled the old one. Here one promise waits per stream — or none, once
 * the reader `listen`s: then each batch is pushed to it as it comes (the gateway's streams are read
 * so). The body flows only while a batch is awaited (or the listener takes them): one that arrives
 * with nobody waiting is kept and the body paused. Stopped early (a `stop`, a failed step, or
 * `return()`), the body is drained rather than destroyed, which hands the connection back to the
 * pool (destroying it makes an AbortError, whose stack trace cost ~3 % of a stream's CPU).
 */
export class SseRelay<T> implements AsyncIterableIterator<T[]> {
  private readonly body: Readable;
  private readonly boundaries = new EventBoundaries();
  private readonly settled: Settled<T>[] = [];
  private readonly waiting: Array<{ resolve(r: IteratorResult<T[]>): void; reject(err: unknown): void }> = [];
  private finished = false;
  /** Push mode (`listen`): who gets each batch, and whether it asked for a pause. */
  private listener: BatchListener<T> | null = null;
  private held = false;

  constructor(
    body: AsyncIterable<Uint8Array>,
    private readonly step: (data: string[], spans: SseEvents["spans"]) => SseStep<T>,
    private readonly atEnd: () => unknown,
  ) {
    this.body = body instanceof Readable ? body : Readable.from(body, { objectMode: true });
    // Paused before the 'data' listener, so nothing is read until the first batch is asked for.
    this.body.pause();
    this.body.on("data", this.onData).on("end", this.onEnd).on("error", this.onError).on("close", this.onClose);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T[]>> {
    const r = this.settled.shift();
    if (r) {
      if ("error" in r) return Promise.reject(r.error);
      return Promise.resolve("done" in r ? DONE : { value: r.value, done: false });
    }
    if (this.finished) return Promise.resolve(DONE);
    if (this.body.isPaused()) this.body.resume();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
    });
  }

  /**
   * Push mode: from now on each batch goes to `listener` as it comes (what came before and was not
   * read goes first), and the body flows unless the listener asks for a pause.
   */
  listen(listener: BatchListener<T>): void {
    this.listener = listener;
    for (const r of this.settled.splice(0)) this.deliver(r);
    if (!this.held) this.resume();
  }

  /** Push mode: the listener wants batches again. */
  resume(): void {
    this.held = false;
    if (!this.finished && this.body.isPaused()) this.body.resume();
  }

  private deliver(r: Settled<T>): void {
    const listener = this.listener!;
    if ("error" in r) listener.fail(r.error);
    else if ("done" in r) listener.end();
    else if (!listener.batch(r.value)) {
      this.held = true;
      if (!this.finished) this.body.pause();
    }
  }

  return(): Promise<IteratorResult<T[]>> {
    this.finish(true);
    this.settled.length = 0;
    for (const w of this.waiting.splice(0)) w.resolve(DONE);
    return Promise.resolve(DONE);
  }

  /**
   * The body's pieces since the last flush. One socket read of a chunked body is handed over as one
   * piece per HTTP chunk (an upstream that writes each event on its own makes each its own chunk), so
   * the pieces of one read are gathered and taken together once the read is done (a microtask later):
   * one pass over the events and one write to the client for all of them, instead of one per event
   * (bench/README.md). Only in push mode: a reader that pulls gets what one event completes, and the
   * rest stays in the paused body until it asks again.
   */
  private pending: Uint8Array[] | null = null;

  private readonly onData = (bytes: Uint8Array) => {
    if (!this.listener) return this.takeBytes(bytes);
    if (this.pending) {
      this.pending.push(bytes);
      return;
    }
    this.pending = [bytes];
    queueMicrotask(this.flush);
  };

  /** Takes what the last read brought; the body's end, error or close flushes it first, in order. */
  private readonly flush = () => {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    if (!this.finished) this.takeBytes(pending.length === 1 ? pending[0] : Buffer.concat(pending));
  };

  private takeBytes(bytes: Uint8Array): void {
    const events = this.boundaries.push(bytes);
    if (events.data.length) this.take(events.data, events.spans);
  }

  private readonly onEnd = () => {
    this.flush();
    if (this.finished) return;
    const data = dataOf(this.boundaries.rest());
    if (data !== null && data.trim()) this.take([data], [undefined]);
    if (this.finished) return;
    this.finish(false);
    const early = this.atEnd();
    this.settle(early ? { error: early } : { done: true });
  };

  private readonly onError = (err: unknown) => {
    this.flush();
    if (this.finished) return;
    this.finish(false);
    this.settle({ error: cutOff(err) });
  };

  /** Closed without an end or an error: destroyed under the reader. */
  private readonly onClose = () => this.onError(null);

  private take(batch: string[], spans: SseEvents["spans"]): void {
    let step: SseStep<T>;
    try {
      step = this.step(batch, spans);
    } catch (err) {
      // A step that throws (rather than answering an error) names nothing it meant to tell the client.
      step = { items: [], error: cutOff(err) };
    }
    if (step.items.length) this.settle({ value: step.items });
    if (step.error !== undefined) {
      this.finish(true);
      this.settle({ error: step.error });
    } else if (step.stop) {
      this.finish(true);
      this.settle({ done: true });
    }
  }

  private settle(r: Settled<T>): void {
    if (this.listener) return this.deliver(r);
    const w = this.waiting.shift();
    if (!w) {
      this.settled.push(r);
      if (!this.finished) this.body.pause();
    } else if ("error" in r) w.reject(r.error);
    else w.resolve("done" in r ? DONE : { value: r.value, done: false });
  }

  /** Reads no more; `drain` hands the rest of an unfinished body to the pool's care. */
  private finish(drain: boolean): void {
    if (this.finished) return;
    this.finished = true;
    const body = this.body;
    body.off("data", this.onData).off("end", this.onEnd).off("close", this.onClose).off("error", this.onError);
    // An error the body meets later (its call aborted, say) has no reader left to tell.
    body.on("error", ignore);
    if (drain && !body.destroyed && !body.readableEnded) body.resume();
  }
}

function ignore(): void {}

/** The error a failed stream ends with: an UpstreamError as it is, anything else a cut-off stream. */
function cutOff(err: unknown): UpstreamError {
  return err instanceof UpstreamError ? err : new UpstreamError("Upstream stream was cut off", 502, false, "network");
}

/** What one read of an SSE body completed: each event's data, and for each, its own bytes when it can be relayed as is. */
export type SseEvents = { data: string[]; spans: Array<Uint8Array | undefined> };

const LF2 = Buffer.from("\n\n");
const CRLF2 = Buffer.from("\r\n\r\n");
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const EMPTY = Buffer.alloc(0);
/** `data: ` */
const DATA_PREFIX = Buffer.from("data: ");

/**
 * The events of an SSE body as its bytes arrive: `push` answers the data of every event the bytes
 * completed (an event ends at a blank line, `\n\n` or `\r\n\r\n`). The bytes are cut, not the text:
 * only an event's own bytes are decoded, and an event that is exactly `data: <data>\n\n` (what
 * OpenAI-compatible servers send) also answers its bytes, so that a relay passing it on unchanged
 * writes them as they came instead of encoding its text again (bench/README.md: decoding every read
 * and encoding the relayed text took ~6 % of a stream's busy time). A terminator's bytes never occur
 * inside a UTF-8 character, so an event's bytes hold whole characters; a leading byte-order mark is
 * dropped, as TextDecoder drops it. Each byte is searched once for each terminator: a search that
 * found none ends where the next one starts (backed off so that a terminator split across two reads
 * is still seen).
 */
export class EventBoundaries {
  private buffer: Buffer = EMPTY;
  /** Where to search next for each terminator: no earlier position holds one. */
  private lfFrom = 0;
  private crlfFrom = 0;
  /** Whether the body's first bytes were checked for a byte-order mark. */
  private begun = false;

  push(bytes: Uint8Array): SseEvents {
    const piece = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let buffer = this.buffer.length ? Buffer.concat([this.buffer, piece]) : piece;
    if (!this.begun) {
      if (buffer.length < BOM.length && BOM.subarray(0, buffer.length).equals(buffer)) {
        this.buffer = buffer;
        return { data: [], spans: [] };
      }
      this.begun = true;
      if (buffer.subarray(0, BOM.length).equals(BOM)) buffer = buffer.subarray(BOM.length);
    }
    const data: string[] = [];
    const spans: Array<Uint8Array | undefined> = [];
    let start = 0;
    for (;;) {
      const a = buffer.indexOf(LF2, Math.max(this.lfFrom, start));
      const b = buffer.indexOf(CRLF2, Math.max(this.crlfFrom, start));
      this.lfFrom = a < 0 ? buffer.length : a;
      this.crlfFrom = b < 0 ? buffer.length : b;
      if (a < 0 && b < 0) break;
      const crlf = a < 0 || (b >= 0 && b < a);
      const end = crlf ? b : a;
      const next = end + (crlf ? 4 : 2);
      // The usual event: one `data: ` line, ended by `\n\n`. Its bytes are relayed as they came
      // unless they are not valid UTF-8 (decoding put U+FFFD in their place).
      if (!crlf && buffer.indexOf(10, start) === end && startsWith(buffer, start, DATA_PREFIX)) {
        const text = buffer.toString("utf8", start + DATA_PREFIX.length, end);
        data.push(text);
        spans.push(text.includes("\uFFFD") ? undefined : buffer.subarray(start, next));
      } else {
        const text = dataOf(buffer.toString("utf8", start, end));
        if (text !== null) {
          data.push(text);
          spans.push(undefined);
        }
      }
      start = next;
    }
    this.buffer = start > 0 ? buffer.subarray(start) : buffer;
    this.lfFrom = Math.max(0, this.buffer.length - 1);
    this.crlfFrom = Math.max(0, this.buffer.length - 3);
    return { data, spans };
  }

  /** What follows the last complete event. */
  rest(): string {
    return this.buffer.toString("utf8");
  }
}

function startsWith(buffer: Buffer, at: number, prefix: Buffer): boolean {
  return buffer.length - at >= prefix.length && buffer.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;
}

/** The data of one event: its `data:` lines joined by newlines, or null when it has none. */
function dataOf(event: string): string | null {
  // The usual event is one line: `data: {...}`.
  if (event.startsWith("data:") && !event.includes("\n"))
    return event.charCodeAt(5) === 32 ? event.slice(6) : event.slice(5);
  let data: string | null = null;
  for (const line of event.split(/\r?\n/)) {
    if (!line.startsWith("data:")) continue;
    const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
    data = data === null ? value : `${data}\n${value}`;
  }
  return data;
}

/** Splits an NDJSON byte stream into parsed lines. */
export async function* readNdjson(body: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) yield JSON.parse(line);
    }
  }
  if (buffer.trim()) yield JSON.parse(buffer);
}
