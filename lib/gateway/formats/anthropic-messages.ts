import "server-only";
import { randomUUID } from "node:crypto";
import { parseWith } from "@/lib/api/body";
import { estimateTokens } from "@/lib/billing/estimate";
import { directAnswer, jsonAnswer, streamAnswer } from "@/lib/direct-path.mjs";
import { AppError, anthropicErrorBody, type ErrorCode } from "@/lib/errors";
import { keyAllowsModel, resolveModelOrThrow } from "@/lib/providers/catalog";
import type { ChatCompletion, ChatCompletionChunk, OpenAiUsage } from "@/lib/providers/types";
import { promptText } from "../conversation";
import { chatAnswer, type GatewayInput } from "../pipeline";
import {
  type Block,
  type CountTokensRequest,
  countTokensRequestSchema,
  type MessagesRequest,
  messagesRequestSchema,
} from "./anthropic-messages-schema";

// The Anthropic Messages API (POST /v1/messages) at the edge of the one pipeline: the request is
// translated into a chat-completions body, run through chatAnswer (limits, reservation,
// upstream with retries and fallbacks, settlement, records), and its answer or stream translated
// back into Anthropic's message and event sequence. Bedrock's Claude models reach Bedrock through
// the pipeline's Converse path; every other model is translated the same way.

type ChatMessage = Record<string, unknown>;

const ANTHROPIC_VERSION = /^\d{4}-\d{2}-\d{2}$/;

/** `anthropic-version` is optional here (every version is answered alike), but a malformed one is refused as Anthropic does. */
export function checkAnthropicVersion(headers: Headers): void {
  const version = headers.get("anthropic-version");
  if (version !== null && !ANTHROPIC_VERSION.test(version.trim())) {
    throw new AppError("bad_request", `anthropic-version: '${version.slice(0, 40)}' is not a version like 2023-06-01`);
  }
}

const textOf = (blocks: string | Array<{ type: string; text?: string }> | undefined) =>
  typeof blocks === "string" ? blocks : (blocks ?? []).map((b) => (b.type === "text" ? b.text : "")).join("\n");

function imagePart(b: Extract<Block, { type: "image" }>) {
  const url = b.source.type === "base64" ? `data:${b.source.media_type};base64,${b.source.data}` : b.source.url;
  return { type: "image_url", image_url: { url } };
}

/** One Anthropic message as chat messages: tool results become tool messages (first, as they answer the previous turn). */
function toChatMessages(m: MessagesRequest["messages"][number]): ChatMessage[] {
  if (typeof m.content === "string") return [{ role: m.role, content: m.content }];
  const blocks = m.content.filter((b) => b.type !== "thinking" && b.type !== "redacted_thinking");
  if (m.role === "assistant") {
    const text = blocks.map((b) => (b.type === "text" ? b.text : "")).join("");
    const calls = blocks.flatMap((b) =>
      b.type === "tool_use"
        ? [{ id: b.id, type: "function", function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } }]
        : [],
    );
    return [
      {
        role: "assistant",
        content: calls.length && !text ? null : text,
        ...(calls.length ? { tool_calls: calls } : {}),
      },
    ];
  }
  const out: ChatMessage[] = [];
  const parts: unknown[] = [];
  for (const b of blocks) {
    if (b.type === "tool_result") {
      const content = textOf(
        typeof b.content === "string"
          ? b.content
          : (b.content ?? []).map((c) => (c.type === "text" ? c : { type: "text", text: "[image]" })),
      );
      out.push({ role: "tool", tool_call_id: b.tool_use_id, content: b.is_error ? `Error: ${content}` : content });
    } else if (b.type === "text") parts.push({ type: "text", text: b.text });
    else if (b.type === "image") parts.push(imagePart(b));
    else if (b.type === "tool_use")
      throw new AppError("validation_error", "messages: tool_use blocks belong in assistant messages", {
        param: "messages",
      });
  }
  if (parts.length) out.push({ role: "user", content: parts });
  return out;
}

function chatMessagesOf(req: CountTokensRequest): ChatMessage[] {
  const system = req.system === undefined ? "" : textOf(req.system);
  return [...(system ? [{ role: "system", content: system }] : []), ...req.messages.flatMap(toChatMessages)];
}

function chatToolsOf(req: CountTokensRequest) {
  if (!req.tools?.length) return {};
  const tools = req.tools.map((t) => ({
    type: "function",
    function: {
      name: t.name,
      description: t.description,
      parameters: t.input_schema ?? { type: "object", properties: {} },
    },
  }));
  const c = req.tool_choice;
  const choice = !c
    ? undefined
    : c.type === "auto"
      ? "auto"
      : c.type === "any"
        ? "required"
        : c.type === "none"
          ? "none"
          : { type: "function", function: { name: c.name } };
  return { tools, ...(choice ? { tool_choice: choice } : {}) };
}

/** The chat-completions body the pipeline runs for an Anthropic request. */
export function toChatCompletionBody(req: MessagesRequest): Record<string, unknown> {
  return {
    model: req.model,
    messages: chatMessagesOf(req),
    max_tokens: req.max_tokens,
    ...(req.stop_sequences?.length ? { stop: req.stop_sequences } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.top_p !== undefined ? { top_p: req.top_p } : {}),
    ...chatToolsOf(req),
    ...(req.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

const STOP_REASONS: Record<string, string> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  function_call: "tool_use",
  content_filter: "refusal",
};
const stopReason = (finish: string | null | undefined) => STOP_REASONS[finish ?? "stop"] ?? "end_turn";

function parseArguments(args: string | undefined): unknown {
  try {
    return args ? JSON.parse(args) : {};
  } catch {
    return {};
  }
}

function anthropicUsage(u: OpenAiUsage | undefined) {
  return {
    input_tokens: u?.prompt_tokens ?? 0,
    output_tokens: u?.completion_tokens ?? 0,
    cache_read_input_tokens: u?.prompt_tokens_details?.cached_tokens ?? 0,
    cache_creation_input_tokens: 0,
  };
}

/** A chat.completion as an Anthropic message. */
function toAnthropicMessage(c: ChatCompletion) {
  const choice = c.choices[0];
  const msg = choice?.message as
    | { content?: string | null; tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: string } }> }
    | undefined;
  const content: unknown[] = [];
  if (msg?.content) content.push({ type: "text", text: msg.content });
  for (const t of msg?.tool_calls ?? [])
    content.push({
      type: "tool_use",
      id: t.id ?? `toolu_${randomUUID()}`,
      name: t.function?.name ?? "",
      input: parseArguments(t.function?.arguments),
    });
  return {
    id: `msg_${String(c.id ?? randomUUID()).replace(/^chatcmpl-/, "")}`,
    type: "message",
    role: "assistant",
    model: c.model,
    content,
    stop_reason: stopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: anthropicUsage(c.usage),
  };
}

type MessagesInput = Omit<GatewayInput, "body"> & { body: unknown };
type NextBytes = () => Promise<Uint8Array | null>;

/**
 * The pipeline's answer is read as its JSON text or chunk source (lib/direct-path.mjs), so the
 * translation reads them without a web stream in between (the cost of two stream layers per chunk
 * kept this format well short of chat's throughput), and the translated answer is handed on the same way.
 */
export async function runAnthropicMessages(input: MessagesInput): Promise<Response> {
  const request = parseWith(messagesRequestSchema, input.body);
  const body = toChatCompletionBody(request);
  const res = await chatAnswer({ ...input, body });
  const answer = directAnswer(res);
  if (!answer) return res; // 499: the client left before the answer began
  const headers = new Headers(res.headers);
  if (answer.text !== undefined) {
    const completion = JSON.parse(answer.text) as ChatCompletion;
    return jsonAnswer(JSON.stringify(toAnthropicMessage(completion)), { headers });
  }
  // message_start carries the prompt's estimate, as Anthropic's carries its count; message_delta the provider's own.
  const estimate = estimateTokens(promptText(body.messages as Parameters<typeof promptText>[0]));
  const chat = answer.stream;
  const produce = anthropicEvents(() => chat.next(), request.model, estimate);
  return streamAnswer({ next: produce, cancel: () => chat.cancel() }, { headers });
}

/** POST /v1/messages/count_tokens: the prompt's tokens as the gateway estimates them (one per 4 characters), nothing billed. */
export async function countAnthropicTokens(input: {
  principal: GatewayInput["principal"];
  body: unknown;
}): Promise<{ input_tokens: number }> {
  const request = parseWith(countTokensRequestSchema, input.body);
  const model = await resolveModelOrThrow(request.model);
  const key = input.principal.key;
  if (key && !keyAllowsModel(key.allowedModels, model.publicId))
    throw new AppError("forbidden", `This API key may not use the model '${model.publicId}'`, { param: "model" });
  const messages = chatMessagesOf(request) as Parameters<typeof promptText>[0];
  const tools = request.tools?.length ? JSON.stringify(request.tools) : "";
  return { input_tokens: estimateTokens(promptText(messages) + tools) };
}

const encoder = new TextEncoder();
const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/** An OpenAI error event from the pipeline's stream, as an AppError code for Anthropic's error types. */
function streamErrorCode(type: string | undefined, code: string | undefined): ErrorCode {
  if (code === "upstream_timeout") return "upstream_timeout";
  return type === "rate_limit_exceeded" ? "rate_limited" : "upstream_error";
}

/**
 * The pipeline's chat.completion.chunk stream (its direct hand-over: the next bytes, whole SSE events,
 * or null at the end) as Anthropic's event sequence: message_start, ping, a content block per text run
 * or tool call (start, deltas, stop), message_delta with the stop reason and usage, message_stop — or
 * an error event when the upstream fails mid-way. Nothing is read ahead of the client.
 */
export function anthropicEvents(next: NextBytes, model: string, inputTokens: number): NextBytes {
  const decoder = new TextDecoder();
  const id = `msg_${randomUUID().replaceAll("-", "")}`;
  let open: { index: number; kind: "text" | "tool"; toolIndex?: number } | null = null;
  let nextIndex = 0;
  let finish: string | null = null;
  let usage: OpenAiUsage | undefined;
  let ended = false;
  let buffer = "";

  /** The `data:` payloads of the events complete in the next bytes, or null at the end. */
  async function nextData(): Promise<string[] | null> {
    const bytes = await next();
    if (!bytes) return null;
    buffer += decoder.decode(bytes, { stream: true });
    const data: string[] = [];
    let start = 0;
    for (let end = buffer.indexOf("\n\n"); end >= 0; start = end + 2, end = buffer.indexOf("\n\n", start)) {
      if (buffer.startsWith("data: ", start)) data.push(buffer.slice(start + 6, end));
    }
    buffer = buffer.slice(start);
    return data;
  }

  const closeBlock = () => {
    if (!open) return "";
    const out = event("content_block_stop", { index: open.index });
    open = null;
    return out;
  };
  const translate = (chunk: ChatCompletionChunk): string => {
    if (chunk.usage) usage = chunk.usage;
    let out = "";
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      const d = choice.delta ?? {};
      if (d.content) {
        if (open?.kind !== "text") {
          out += closeBlock();
          open = { index: nextIndex++, kind: "text" };
          out += event("content_block_start", { index: open.index, content_block: { type: "text", text: "" } });
        }
        // The hot event, one per chunk: written out rather than built as an object and serialised.
        out += `event: content_block_delta\ndata: {"type":"content_block_delta","index":${open.index},"delta":{"type":"text_delta","text":${JSON.stringify(d.content)}}}\n\n`;
      }
      for (const t of d.tool_calls ?? []) {
        if (open?.kind !== "tool" || open.toolIndex !== t.index) {
          out += closeBlock();
          open = { index: nextIndex++, kind: "tool", toolIndex: t.index };
          out += event("content_block_start", {
            index: open.index,
            content_block: {
              type: "tool_use",
              id: t.id ?? `toolu_${randomUUID()}`,
              name: t.function?.name ?? "",
              input: {},
            },
          });
        }
        if (t.function?.arguments)
          out += event("content_block_delta", {
            index: open.index,
            delta: { type: "input_json_delta", partial_json: t.function.arguments },
          });
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    return out;
  };
  const end = () =>
    closeBlock() +
    event("message_delta", {
      delta: { stop_reason: stopReason(finish), stop_sequence: null },
      usage: anthropicUsage(usage),
    }) +
    event("message_stop", {});

  let started = false;
  const produce = async (): Promise<string | null> => {
    if (ended) return null;
    let out = "";
    if (!started) {
      started = true;
      const message = {
        id,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: anthropicUsage({ prompt_tokens: inputTokens }),
      };
      out += event("message_start", { message }) + event("ping", {});
    }
    for (;;) {
      const batch = await nextData();
      if (!batch) {
        ended = true;
        return out + end();
      }
      for (const data of batch) {
        if (data === "[DONE]") continue;
        const chunk = JSON.parse(data) as ChatCompletionChunk & {
          error?: { message?: string; type?: string; code?: string };
        };
        if (chunk.error) {
          ended = true;
          const err = new AppError(
            streamErrorCode(chunk.error.type, chunk.error.code),
            chunk.error.message ?? "Upstream failed",
          );
          return out + closeBlock() + `event: error\ndata: ${JSON.stringify(anthropicErrorBody(err))}\n\n`;
        }
        if (!Array.isArray(chunk.choices)) chunk.choices = [];
        out += translate(chunk);
      }
      if (out) return out;
    }
  };
  return async () => {
    const text = await produce();
    return text ? encoder.encode(text) : null;
  };
}
