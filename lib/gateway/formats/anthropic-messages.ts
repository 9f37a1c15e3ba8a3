import "server-only";
import { randomUUID } from "node:crypto";
import { parseWith } from "@/lib/api/body";
import { tokensOfLength } from "@/lib/billing/estimate";
import { AppError, anthropicErrorBody } from "@/lib/errors";
import { keyAllowsModel, resolveModelOrThrow } from "@/lib/providers/catalog";
import type { ChatCompletion, ChatCompletionChunk, OpenAiUsage } from "@/lib/providers/types";
import { promptLength } from "../conversation";
import type { FormatOutput } from "../format-output";
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
// upstream with retries and fallbacks, settlement, records), which shapes its answer or stream as
// Anthropic's message and event sequence with this module's FormatOutput. Bedrock's Claude models reach Bedrock through
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

/**
 * The request as a chat-completions body through the pipeline, which shapes its answer with
 * anthropicOutput as it is produced: the chunks it has parsed are translated as they are, with no
 * chat-completions text written and read back per chunk.
 */
export async function runAnthropicMessages(input: MessagesInput): Promise<Response> {
  const request = parseWith(messagesRequestSchema, input.body);
  const body = toChatCompletionBody(request);
  // message_start carries the prompt's estimate, as Anthropic's carries its count; message_delta the provider's own.
  const estimate = request.stream
    ? tokensOfLength(promptLength(body.messages as Parameters<typeof promptLength>[0]))
    : 0;
  return chatAnswer({ ...input, body, format: anthropicOutput(request.model, estimate) });
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
  const messages = chatMessagesOf(request) as Parameters<typeof promptLength>[0];
  const tools = request.tools?.length ? JSON.stringify(request.tools) : "";
  return { input_tokens: tokensOfLength(promptLength(messages) + tools.length) };
}

const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/**
 * The pipeline's answer as Anthropic's: a whole message, or the event sequence — message_start, ping,
 * a content block per text run or tool call (start, deltas, stop), message_delta with the stop reason
 * and usage, message_stop — or an error event when the upstream fails mid-way.
 */
export function anthropicOutput(model: string, inputTokens: number): FormatOutput {
  const id = `msg_${randomUUID().replaceAll("-", "")}`;
  let open: { index: number; kind: "text" | "tool"; toolIndex?: number } | null = null;
  let nextIndex = 0;
  let finish: string | null = null;
  let usage: OpenAiUsage | undefined;
  let started = false;

  // The events of every answer are written out rather than built as objects and serialised (the
  // id is hex; the model, a client's string, is serialised).
  const start = () => {
    if (started) return "";
    started = true;
    const usage = JSON.stringify(anthropicUsage({ prompt_tokens: inputTokens }));
    return `event: message_start\ndata: {"type":"message_start","message":{"id":"${id}","type":"message","role":"assistant","model":${JSON.stringify(model)},"content":[],"stop_reason":null,"stop_sequence":null,"usage":${usage}}}\n\nevent: ping\ndata: {"type":"ping"}\n\n`;
  };
  const closeBlock = () => {
    if (!open) return "";
    const out = `event: content_block_stop\ndata: {"type":"content_block_stop","index":${open.index}}\n\n`;
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
          out += `event: content_block_start\ndata: {"type":"content_block_start","index":${open.index},"content_block":{"type":"text","text":""}}\n\n`;
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

  return {
    completion: async (body) => toAnthropicMessage(body as unknown as ChatCompletion),
    chunk: (chunk) => start() + translate(chunk),
    end: async () =>
      `${start()}${closeBlock()}event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":${JSON.stringify(stopReason(finish))},"stop_sequence":null},"usage":${JSON.stringify(anthropicUsage(usage))}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n`,
    fail(message, code) {
      const err = new AppError(code === "upstream_timeout" ? "upstream_timeout" : "upstream_error", message);
      return `${start()}${closeBlock()}event: error\ndata: ${JSON.stringify(anthropicErrorBody(err))}\n\n`;
    },
  };
}
