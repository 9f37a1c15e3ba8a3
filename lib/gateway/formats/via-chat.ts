import "server-only";
import { DIRECT_BODY } from "@/lib/api/body";
import type { ChatCompletion, ChatCompletionChunk, OpenAiUsage } from "@/lib/providers/types";
import { type GatewayInput, runChatCompletion } from "../pipeline";
import { DIRECT_STREAM } from "../respond";

// How a wire format that the upstream does not speak goes through the one pipeline: its module
// maps the request to a chat-completions body, calls runChatCompletion, and maps what comes back.
// The call is made the way scripts/serve.mjs makes it (`direct`), so the answer is read as text
// and chunks, without web streams built only to be read back; billing, limits, retries, sessions
// and records stay the pipeline's.

export type ChatError = { message: string; type?: string; code?: string | null };
/** A chunk of the gateway's stream, or the error event that ends a stream cut short. */
export type ChatEvent = { chunk: ChatCompletionChunk; error?: undefined } | { chunk?: undefined; error: ChatError };
/** Usage as the gateway reports it: OpenAI's fields plus the price of the call. */
export type GatewayUsage = OpenAiUsage & { cost?: string };
export type GatewayCompletion = ChatCompletion & { usage?: GatewayUsage };

export type ViaChat =
  | { kind: "completion"; headers: Headers; completion: GatewayCompletion }
  /** `events` yields the events that arrived together (one read of the upstream) as one batch. */
  | { kind: "stream"; headers: Headers; events: AsyncGenerator<ChatEvent[]>; stop: () => void }
  /** The client left before the answer started (the pipeline's 499). */
  | { kind: "gone"; response: Response };

type DirectResponse = Response & { [DIRECT_BODY]?: string; [DIRECT_STREAM]?: () => Promise<Uint8Array | null> };

export async function runViaChat(input: GatewayInput, body: Record<string, unknown>): Promise<ViaChat> {
  // Our own signal: the translated stream stops the pipeline's when its client leaves, however
  // the translated answer is served.
  const left = new AbortController();
  const onAbort = () => left.abort();
  if (input.signal.aborted) left.abort();
  else input.signal.addEventListener("abort", onAbort, { once: true });
  const res = (await runChatCompletion({ ...input, body, signal: left.signal, direct: true })) as DirectResponse;
  const whole = res[DIRECT_BODY];
  if (typeof whole === "string") {
    input.signal.removeEventListener("abort", onAbort);
    return { kind: "completion", headers: res.headers, completion: JSON.parse(whole) as GatewayCompletion };
  }
  const produce = res[DIRECT_STREAM];
  if (!produce) {
    input.signal.removeEventListener("abort", onAbort);
    return { kind: "gone", response: res };
  }
  const stop = () => {
    input.signal.removeEventListener("abort", onAbort);
    left.abort();
  };
  return { kind: "stream", headers: res.headers, events: chatEvents(produce, stop), stop };
}

async function* chatEvents(produce: () => Promise<Uint8Array | null>, stop: () => void): AsyncGenerator<ChatEvent[]> {
  const decoder = new TextDecoder();
  let buffer = "";
  let finished = false;
  try {
    for (;;) {
      const bytes = await produce();
      if (!bytes) break;
      buffer += decoder.decode(bytes, { stream: true });
      const batch: ChatEvent[] = [];
      let start = 0;
      let sep: number;
      while ((sep = buffer.indexOf("\n\n", start)) >= 0) {
        const data = buffer.startsWith("data: ", start) ? buffer.slice(start + 6, sep) : null;
        start = sep + 2;
        if (data === null) continue;
        if (data === "[DONE]") {
          finished = true;
          if (batch.length) yield batch;
          return;
        }
        const parsed = JSON.parse(data) as ChatCompletionChunk & { error?: ChatError };
        batch.push(parsed.error ? { error: parsed.error } : { chunk: parsed });
      }
      buffer = buffer.slice(start);
      if (batch.length) yield batch;
    }
    finished = true;
  } finally {
    // Stopped early (the client left, or the format gave up): the pipeline stops the upstream and bills what was produced.
    if (!finished) stop();
  }
}

/** Headers of the gateway's answer that a translated answer keeps: request id, cost, rate limits. */
export function keptHeaders(from: Headers, contentType: string): Record<string, string> {
  const headers: Record<string, string> = { "content-type": contentType };
  for (const [name, value] of from) {
    if (
      name === "x-request-id" ||
      name.startsWith("x-tollgate-") ||
      name.startsWith("x-ratelimit-") ||
      name === "retry-after"
    )
      headers[name] = value;
  }
  if (contentType.startsWith("text/event-stream"))
    Object.assign(headers, { "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" });
  return headers;
}

const encoder = new TextEncoder();

/** A whole JSON answer; served directly (scripts/serve.mjs), its text is handed over as is. */
export function jsonAnswer(body: unknown, headers: Record<string, string>, direct: boolean, status = 200): Response {
  const text = JSON.stringify(body);
  if (direct) return Object.assign(new Response(null, { status, headers }), { [DIRECT_BODY]: text });
  return new Response(text, { status, headers });
}

/**
 * A server-sent event stream produced by `next()` on demand (nothing is read ahead of the client).
 * Served directly, the producer is handed over (DIRECT_STREAM) and a client leaving reaches the
 * pipeline through the request's signal; otherwise cancelling the body runs `cancel`.
 */
export function eventStreamAnswer(
  next: () => Promise<string | null>,
  cancel: () => void,
  headers: Record<string, string>,
  direct: boolean,
): Response {
  if (direct) {
    const produce = async () => {
      const text = await next();
      return text === null ? null : encoder.encode(text);
    };
    return Object.assign(new Response(null, { headers }), { [DIRECT_STREAM]: produce });
  }
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const text = await next();
        try {
          if (text === null) controller.close();
          else controller.enqueue(encoder.encode(text));
        } catch {
          // already closed by a cancelled response
        }
      },
      cancel,
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { headers });
}
