import "server-only";
import { stringifyKeepingSource } from "@/lib/api/body";
import { SseRelay, upstreamErrorFrom, upstreamRequest } from "./http";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  StreamChunk,
  UpstreamCall,
  UpstreamCompletion,
  UpstreamStream,
} from "./types";
import { UpstreamError } from "./types";

// OpenAI and OpenAI-compatible servers (vLLM, RunPod, LM Studio): the body is forwarded as the
// client sent it (unknown fields included) and the stream is relayed event by event as it arrives.
const DEFAULT_OPENAI_BASE = "https://api.openai.com/v1";

function endpoint(call: UpstreamCall, path: string): string {
  const base = (call.model.provider.baseUrl ?? DEFAULT_OPENAI_BASE).replace(/\/+$/, "");
  return `${base}${path}`;
}

function headers(call: UpstreamCall): Record<string, string> {
  const h: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
  };
  if (call.model.provider.apiKey) h.authorization = `Bearer ${call.model.provider.apiKey}`;
  return h;
}

/** POSTs `body` to the provider's `path` (under its base URL); an error status becomes an UpstreamError. */
export async function sendToOpenAi(call: UpstreamCall, body: Record<string, unknown>, path = "/chat/completions") {
  const res = await upstreamRequest(endpoint(call, path), {
    method: "POST",
    headers: headers(call),
    body: stringifyKeepingSource(body),
    signal: call.signal,
  });
  if (!res.ok) throw await upstreamErrorFrom(res, call.model.provider.name);
  return res;
}

export async function openAiComplete(call: UpstreamCall): Promise<UpstreamCompletion> {
  const res = await sendToOpenAi(call, { ...call.body, stream: false });
  const completion = (await res.json()) as ChatCompletion;
  if (!completion || !Array.isArray(completion.choices))
    throw new UpstreamError("Upstream sent a malformed completion", 502, false);
  return { completion };
}

export async function openAiStream(call: UpstreamCall): Promise<UpstreamStream> {
  // Usage is always requested so every stream can be billed from the provider's own count.
  const streamOptions = { ...(call.body.stream_options as object | undefined), include_usage: true };
  const res = await sendToOpenAi(call, { ...call.body, stream: true, stream_options: streamOptions });
  if (!res.body) throw new UpstreamError("Upstream sent no body", 502, true);
  return { batches: relay(res.body) };
}

/** The stream's chunks, batch by batch, until `[DONE]`; a stream that ends without finishing its answer fails. */
function relay(body: AsyncIterable<Uint8Array>): AsyncIterable<StreamChunk[]> {
  let sawUsageOrFinish = false;
  return new SseRelay<StreamChunk>(
    body,
    (batch, spans) => {
      const items: StreamChunk[] = [];
      for (let i = 0; i < batch.length; i++) {
        const data = batch[i];
        if (data === "[DONE]") return { items, stop: true };
        let item: StreamChunk;
        try {
          item = parseChunk(data, spans[i]);
        } catch (error) {
          // What came before the bad event in the same read still reaches the client (and is billed).
          return { items, error };
        }
        if (item.content === undefined && (item.chunk.usage || item.chunk.choices.some((c) => c.finish_reason)))
          sawUsageOrFinish = true;
        items.push(item);
      }
      return { items };
    },
    // Some servers close without [DONE]; that is only fine once the answer finished.
    () =>
      sawUsageOrFinish
        ? null
        : new UpstreamError("Upstream stream ended before the answer finished", 502, false, "network"),
  );
}

/** A JSON string literal, escapes included (no raw control character, as JSON allows none). */
const JSON_STRING = String.raw`"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"`;
const OPTIONAL_TEXT = `(?:${JSON_STRING}|null)`;

/**
 * The events that carry the answer's text, in the shape OpenAI and the servers that copy it send them
 * (vLLM, Ollama, LM Studio): one choice at index 0 whose delta holds only its content (and the first
 * one its role), no finish, no usage. Each group is what those servers write, in their order; the
 * content's string literal is the one capture. Anything else is parsed whole.
 */
const CONTENT_DELTA = new RegExp(
  String.raw`^\{"id":${JSON_STRING},"object":"chat\.completion\.chunk","created":(?:0|[1-9]\d*),"model":${JSON_STRING},` +
    String.raw`(?:"service_tier":${OPTIONAL_TEXT},)?(?:"system_fingerprint":${OPTIONAL_TEXT},)?` +
    String.raw`"choices":\[\{"index":0,"delta":\{(?:"role":"assistant",)?"content":(${JSON_STRING})(?:,"refusal":null)?\}` +
    String.raw`(?:,"logprobs":null)?,"finish_reason":null\}\](?:,"usage":null)?(?:,"obfuscation":${JSON_STRING})?\}$`,
);

/**
 * A content delta recognised by its text: the text is all the gateway takes from it (relayed as it
 * came), so the event's objects are built only if a format asks for its `chunk`. Parsing each of a
 * stream's events whole was its largest cost of the gateway's own (bench/README.md, "Where a
 * request's CPU goes"): ~1.1 µs and a dozen objects per event, against ~0.16 µs for the match.
 */
class ContentDelta implements StreamChunk {
  private parsed: ChatCompletionChunk | undefined;
  constructor(
    readonly raw: string,
    readonly bytes: Uint8Array | undefined,
    readonly content: string,
  ) {}

  get chunk(): ChatCompletionChunk {
    this.parsed ??= JSON.parse(this.raw) as ChatCompletionChunk;
    return this.parsed;
  }
}

/** One event of an OpenAI-compatible stream; `bytes` are its own, when it may be relayed as it came. */
export function parseChunk(data: string, bytes: Uint8Array | undefined): StreamChunk {
  const delta = CONTENT_DELTA.exec(data);
  if (delta) {
    const literal = delta[1];
    return new ContentDelta(data, bytes, literal.includes("\\") ? JSON.parse(literal) : literal.slice(1, -1));
  }
  let chunk: ChatCompletionChunk;
  try {
    chunk = JSON.parse(data) as ChatCompletionChunk;
  } catch {
    throw new UpstreamError("Upstream sent a malformed stream event", 502, false);
  }
  if (!Array.isArray(chunk.choices)) chunk.choices = [];
  return { raw: data, bytes, chunk };
}
