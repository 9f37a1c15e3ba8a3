import "server-only";
import { SseRelay } from "./http";
import { sendToOpenAi } from "./openai-wire";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  NativeEvent,
  OpenAiUsage,
  StreamChunk,
  UpstreamCall,
  UpstreamCompletion,
  UpstreamStream,
} from "./types";
import { UpstreamError } from "./types";

// The Responses API spoken natively by an OpenAI provider (POST {base}/responses): the request goes
// as the client's format built it, and the answer comes back as the upstream's own — the response
// object, or its typed events one by one, relayed. Beside each, the gateway gets what it bills and
// keeps in chat-completions terms: the text, the function calls, and `usage` from the response
// (in response.completed for a stream).

type ResponsesUsage = {
  input_tokens?: number;
  output_tokens?: number;
  input_tokens_details?: { cached_tokens?: number };
  output_tokens_details?: { reasoning_tokens?: number };
};
type ResponseOutput = {
  type?: string;
  content?: Array<{ type?: string; text?: string }>;
  call_id?: string;
  name?: string;
  arguments?: string;
};
type ResponseBody = {
  id?: string;
  status?: string;
  created_at?: number;
  model?: string;
  output?: ResponseOutput[];
  usage?: ResponsesUsage | null;
  incomplete_details?: { reason?: string } | null;
};

/** The Responses API's usage in chat-completions terms. */
function chatUsageOf(u: ResponsesUsage | null | undefined): OpenAiUsage | undefined {
  if (!u) return undefined;
  const prompt = u.input_tokens ?? 0;
  const completion = u.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: u.input_tokens_details?.cached_tokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: u.output_tokens_details?.reasoning_tokens ?? 0 },
  };
}

/** A whole response as the chat completion the gateway bills and keeps for history. */
function completionOf(response: ResponseBody): ChatCompletion {
  const output = response.output ?? [];
  const text = output
    .flatMap((o) => (o.type === "message" ? (o.content ?? []).filter((p) => p.type === "output_text") : []))
    .map((p) => p.text ?? "")
    .join("");
  const calls = output
    .filter((o) => o.type === "function_call")
    .map((o) => ({ id: o.call_id, type: "function", function: { name: o.name ?? "", arguments: o.arguments ?? "" } }));
  const finish =
    response.status === "incomplete"
      ? response.incomplete_details?.reason === "content_filter"
        ? "content_filter"
        : "length"
      : calls.length
        ? "tool_calls"
        : "stop";
  return {
    id: response.id ?? "",
    object: "chat.completion",
    created: response.created_at ?? 0,
    model: response.model ?? "",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: calls.length && !text ? null : text, tool_calls: calls },
        finish_reason: finish,
      },
    ],
    usage: chatUsageOf(response.usage),
  };
}

export async function responsesComplete(call: UpstreamCall): Promise<UpstreamCompletion> {
  const res = await sendToOpenAi(call, { ...call.body, stream: false }, "/responses");
  const response = (await res.json()) as (ResponseBody & { object?: string }) | null;
  if (!response || response.object !== "response" || !Array.isArray(response.output))
    throw new UpstreamError("Upstream sent a malformed response", 502, false);
  return { completion: completionOf(response), native: response as Record<string, unknown> };
}

export async function responsesStream(call: UpstreamCall): Promise<UpstreamStream> {
  const res = await sendToOpenAi(call, { ...call.body, stream: true }, "/responses");
  if (!res.body) throw new UpstreamError("Upstream sent no body", 502, true);
  return { batches: relayEvents(res.body) };
}

/** The events after which a response stream has nothing more to say. */
const TERMINAL = new Set(["response.completed", "response.incomplete"]);
const EVENT_TYPE = /^[\w.]{1,100}$/;

/** The stream's events, batch by batch, until a terminal one; a stream that ends before it fails. */
function relayEvents(body: AsyncIterable<Uint8Array>): AsyncIterable<StreamChunk[]> {
  return new SseRelay<StreamChunk>(
    body,
    (batch) => {
      const items: StreamChunk[] = [];
      for (const data of batch) {
        let event: NativeEvent | null = null;
        try {
          event = JSON.parse(data) as NativeEvent;
        } catch {
          // what came before the bad event in the same read still reaches the client (and is billed)
        }
        // The type goes out as the event's name: a word with dots, nothing that could break the framing.
        if (
          typeof event?.type !== "string" ||
          !EVENT_TYPE.test(event.type) ||
          event.type === "error" ||
          event.type === "response.failed"
        ) {
          // An upstream failure ends the answer as any failed stream does: Tollgate's own
          // response.failed, the request recorded PARTIAL and billed for what came before.
          const failed = failureMessage(event);
          const error = new UpstreamError(
            failed === null
              ? "Upstream sent a malformed stream event"
              : `Upstream stream failed: ${failed.slice(0, 300)}`,
            502,
            false,
          );
          return { items, error };
        }
        items.push({ raw: data, chunk: countedChunk(event), native: event });
        if (TERMINAL.has(event.type)) return { items, stop: true };
      }
      return { items };
    },
    () => new UpstreamError("Upstream stream ended before the answer finished", 502, false, "network"),
  );
}

/** The upstream's words for an `error` or `response.failed` event; null for a malformed event. */
function failureMessage(event: NativeEvent | null): string | null {
  if (event?.type === "error") return String((event as { message?: unknown }).message ?? "");
  if (event?.type === "response.failed") {
    const error = (event.response as { error?: { message?: unknown } } | undefined)?.error;
    return String(error?.message ?? "the upstream reported the response failed");
  }
  return null;
}

/** What the gateway counts of one event: text, reasoning and function-call pieces, and the final usage. */
function countedChunk(event: NativeEvent): ChatCompletionChunk {
  const delta = typeof event.delta === "string" ? event.delta : "";
  const index = typeof event.output_index === "number" ? event.output_index : 0;
  switch (event.type) {
    case "response.output_text.delta":
    case "response.refusal.delta":
      return { choices: [{ index: 0, delta: { content: delta } }] };
    case "response.reasoning_text.delta":
    case "response.reasoning_summary_text.delta":
      return { choices: [{ index: 0, delta: { reasoning_content: delta } }] };
    case "response.function_call_arguments.delta":
      return { choices: [{ index: 0, delta: { tool_calls: [{ index, function: { arguments: delta } }] } }] };
    case "response.output_item.added": {
      const item = event.item as ResponseOutput | undefined;
      if (item?.type !== "function_call") return { choices: [] };
      const call = { index, id: item.call_id, function: { name: item.name ?? "", arguments: item.arguments ?? "" } };
      return { choices: [{ index: 0, delta: { tool_calls: [call] } }] };
    }
    default:
      if (TERMINAL.has(event.type)) return { choices: [], usage: chatUsageOf((event.response as ResponseBody)?.usage) };
      return { choices: [] };
  }
}
