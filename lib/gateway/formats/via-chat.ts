import "server-only";
import { type ChunkSource, directAnswer, jsonAnswer as jsonText, streamAnswer } from "@/lib/direct-path.mjs";
import type { ChatCompletion, ChatCompletionChunk, OpenAiUsage } from "@/lib/providers/types";
import { chatAnswer, type GatewayInput } from "../pipeline";

// How a wire format that the upstream does not speak goes through the one pipeline: its module
// maps the request to a chat-completions body, calls runChatCompletion, and maps what comes back.
// The pipeline's answer is read as its text or chunks (lib/direct-path.mjs), without web streams
// built only to be read back; billing, limits, retries, sessions and records stay the pipeline's.

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

export async function runViaChat(input: GatewayInput, body: Record<string, unknown>): Promise<ViaChat> {
  // Our own signal: the translated stream stops the pipeline's when its client leaves, however
  // the translated answer is served.
  const left = new AbortController();
  const onAbort = () => left.abort();
  if (input.signal.aborted) left.abort();
  else input.signal.addEventListener("abort", onAbort, { once: true });
  const res = await chatAnswer({ ...input, body, signal: left.signal });
  const answer = directAnswer(res);
  if (answer?.text !== undefined) {
    input.signal.removeEventListener("abort", onAbort);
    return { kind: "completion", headers: res.headers, completion: JSON.parse(answer.text) as GatewayCompletion };
  }
  if (!answer) {
    input.signal.removeEventListener("abort", onAbort);
    return { kind: "gone", response: res };
  }
  const stop = () => {
    input.signal.removeEventListener("abort", onAbort);
    left.abort();
  };
  return { kind: "stream", headers: res.headers, events: chatEvents(answer.stream, stop), stop };
}

async function* chatEvents(source: ChunkSource, stop: () => void): AsyncGenerator<ChatEvent[]> {
  const decoder = new TextDecoder();
  let buffer = "";
  let finished = false;
  try {
    for (;;) {
      const bytes = await source.next();
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

/** A whole JSON answer (lib/direct-path.mjs: served directly, its text is handed over as is). */
export function jsonAnswer(body: unknown, headers: Record<string, string>, status = 200): Response {
  return jsonText(JSON.stringify(body), { status, headers });
}

/** A server-sent event stream produced by `next()` on demand (nothing is read ahead of the client); `cancel` when its reader leaves. */
export function eventStreamAnswer(
  next: () => Promise<string | null>,
  cancel: () => void,
  headers: Record<string, string>,
): Response {
  const produce = async () => {
    const text = await next();
    return text === null ? null : encoder.encode(text);
  };
  return streamAnswer({ next: produce, cancel }, { headers });
}
