import { randomFillSync } from "node:crypto";
import type { ResponseInputItem, ResponsesRequest } from "./responses-request";
import type { GatewayUsage } from "./via-chat";

// Pure mapping between the Responses API's items and chat-completions messages, and the
// response object a client receives.

export type ChatMessage = {
  role: "system" | "developer" | "user" | "assistant" | "tool";
  content: string | null | Array<Record<string, unknown>>;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
};
export type ChatToolCall = { id: string; type: "function"; function: { name: string; arguments: string } };

export type OutputItem =
  | {
      type: "message";
      id: string;
      status: "completed" | "incomplete" | "in_progress";
      role: "assistant";
      content: Array<{ type: "output_text"; text: string; annotations: [] }>;
    }
  | {
      type: "function_call";
      id: string;
      call_id: string;
      name: string;
      arguments: string;
      status: "completed" | "incomplete" | "in_progress";
    };

// Ids are 16 random bytes in hex, cut from a pool filled 256 ids at a time: asking the system for
// each (randomBytes(16)) showed as ~3 % of a Responses request's CPU in the bench profile, and
// randomUUID with its dashes taken out still as ~0.6 % (a streamed answer makes two).
const ID_BYTES = 16;
const pool = Buffer.alloc(ID_BYTES * 256);
let used = pool.length;
export const newId = (prefix: string) => {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += ID_BYTES;
  return `${prefix}_${pool.toString("hex", used - ID_BYTES, used)}`;
};

/** The request's input as items, each with an id (as GET /v1/responses/{id}/input_items lists them). */
export function inputItemsOf(input: ResponsesRequest["input"]): Array<ResponseInputItem & { id: string }> {
  const items: ResponseInputItem[] =
    typeof input === "string" ? [{ type: "message", role: "user", content: input }] : input;
  return items.map((item) => {
    const id =
      typeof item.id === "string" && item.id
        ? item.id
        : newId(item.type === "function_call_output" ? "fco" : item.type === "function_call" ? "fc" : "msg");
    if (item.type === "message" || item.type === undefined) {
      const content =
        typeof item.content === "string"
          ? [
              {
                type: item.role === "assistant" ? ("output_text" as const) : ("input_text" as const),
                text: item.content,
              },
            ]
          : item.content;
      return { ...item, id, type: "message" as const, content };
    }
    return { ...item, id };
  });
}

function partToChat(part: Record<string, unknown>): Record<string, unknown> {
  switch (part.type) {
    case "input_text":
    case "output_text":
      return { type: "text", text: part.text };
    case "refusal":
      return { type: "text", text: part.refusal };
    case "input_image":
      return { type: "image_url", image_url: { url: part.image_url, ...(part.detail ? { detail: part.detail } : {}) } };
    default:
      return {
        type: "file",
        file: { file_data: part.file_data, ...(part.filename ? { filename: part.filename } : {}) },
      };
  }
}

const textOf = (parts: Array<Record<string, unknown>>) => parts.map((p) => String(p.text ?? p.refusal ?? "")).join("");

/** Input items as chat messages; consecutive function calls join the assistant turn before them. */
export function toChatMessages(items: ResponseInputItem[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const item of items) {
    if (item.type === "reasoning") continue;
    if (item.type === "function_call") {
      const call: ChatToolCall = {
        id: item.call_id,
        type: "function",
        function: { name: item.name, arguments: item.arguments },
      };
      const last = out.at(-1);
      if (last?.role === "assistant") (last.tool_calls ??= []).push(call);
      else out.push({ role: "assistant", content: null, tool_calls: [call] });
      continue;
    }
    if (item.type === "function_call_output") {
      out.push({
        role: "tool",
        tool_call_id: item.call_id,
        content: typeof item.output === "string" ? item.output : textOf(item.output),
      });
      continue;
    }
    const content = item.content;
    if (typeof content === "string") out.push({ role: item.role, content });
    else if (item.role === "assistant") out.push({ role: "assistant", content: textOf(content) });
    else if (item.role === "user") out.push({ role: "user", content: content.map(partToChat) });
    else out.push({ role: item.role, content: textOf(content) });
  }
  return out;
}

/** The chat-completions body for a Responses request continuing `history` (the chained conversation). */
export function toChatBody(
  req: ResponsesRequest,
  history: ChatMessage[],
  input: ChatMessage[],
): Record<string, unknown> {
  const messages: ChatMessage[] = [
    ...(req.instructions ? [{ role: "system" as const, content: req.instructions }] : []),
    ...history,
    ...input,
  ];
  const format = req.text?.format;
  return {
    model: req.model,
    messages,
    ...(req.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    ...(req.max_output_tokens != null ? { max_completion_tokens: req.max_output_tokens } : {}),
    ...(req.temperature != null ? { temperature: req.temperature } : {}),
    ...(req.top_p != null ? { top_p: req.top_p } : {}),
    ...(req.user ? { user: req.user } : {}),
    ...(req.parallel_tool_calls != null && req.tools?.length ? { parallel_tool_calls: req.parallel_tool_calls } : {}),
    ...(req.tools?.length
      ? {
          tools: req.tools.map((t) => ({
            type: "function",
            function: {
              name: t.name,
              ...(t.description ? { description: t.description } : {}),
              parameters: t.parameters ?? { type: "object", properties: {} },
              ...(t.strict != null ? { strict: t.strict } : {}),
            },
          })),
        }
      : {}),
    ...(req.tool_choice
      ? {
          tool_choice:
            typeof req.tool_choice === "string"
              ? req.tool_choice
              : { type: "function", function: { name: req.tool_choice.name } },
        }
      : {}),
    ...(format?.type === "json_object" ? { response_format: { type: "json_object" } } : {}),
    ...(format?.type === "json_schema"
      ? {
          response_format: {
            type: "json_schema",
            json_schema: {
              name: format.name,
              schema: format.schema,
              ...(format.description ? { description: format.description } : {}),
              ...(format.strict != null ? { strict: format.strict } : {}),
            },
          },
        }
      : {}),
  };
}

function partFromChat(part: Record<string, unknown>): Record<string, unknown> {
  if (part.type === "image_url") {
    const image = part.image_url as { url?: string; detail?: string } | undefined;
    return { type: "input_image", image_url: image?.url, ...(image?.detail ? { detail: image.detail } : {}) };
  }
  if (part.type === "file") return { type: "input_file", ...(part.file as Record<string, unknown>) };
  return { type: "input_text", text: String(part.text ?? "") };
}

/** A stored conversation (chat messages) as Responses input items, for an upstream that speaks the Responses API. */
export function inputItemsFromChat(messages: ChatMessage[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const text = (content: ChatMessage["content"]) =>
    typeof content === "string" ? content : (content ?? []).map((p) => String(p.text ?? "")).join("");
  for (const m of messages) {
    if (m.role === "tool") {
      out.push({ type: "function_call_output", call_id: m.tool_call_id ?? "", output: text(m.content) });
    } else if (m.role === "assistant") {
      const said = text(m.content);
      if (said) out.push({ type: "message", role: "assistant", content: said });
      for (const call of m.tool_calls ?? [])
        out.push({
          type: "function_call",
          call_id: call.id,
          name: call.function.name,
          arguments: call.function.arguments,
        });
    } else {
      const content = typeof m.content === "string" ? m.content : (m.content ?? []).map(partFromChat);
      out.push({ type: "message", role: m.role, content });
    }
  }
  return out;
}

/** The assistant's turn as a chat message, for the stored conversation. */
export function replyMessage(output: OutputItem[]): ChatMessage {
  const text = output.flatMap((o) => (o.type === "message" ? o.content.map((c) => c.text) : [])).join("");
  const calls = output.flatMap((o): ChatToolCall[] =>
    o.type === "function_call"
      ? [{ id: o.call_id, type: "function", function: { name: o.name, arguments: o.arguments } }]
      : [],
  );
  return {
    role: "assistant",
    content: calls.length && !text ? null : text,
    ...(calls.length ? { tool_calls: calls } : {}),
  };
}

export function responsesUsage(u: GatewayUsage | null | undefined) {
  if (!u) return null;
  const input = u.prompt_tokens ?? 0;
  const output = u.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: u.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: input + output,
    ...(u.cost !== undefined ? { cost: u.cost } : {}),
  };
}

export type ResponseState = {
  id: string;
  createdAt: number;
  status: "in_progress" | "completed" | "incomplete" | "failed";
  output: OutputItem[];
  usage: ReturnType<typeof responsesUsage>;
  error?: { code: string; message: string } | null;
  incompleteReason?: string | null;
};

/** The response object, as OpenAI's API returns it, for a request and its state. */
export function responseObject(req: ResponsesRequest, model: string, s: ResponseState) {
  return {
    id: s.id,
    object: "response",
    created_at: s.createdAt,
    status: s.status,
    background: false,
    error: s.error ?? null,
    incomplete_details: s.incompleteReason ? { reason: s.incompleteReason } : null,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    model,
    output: s.output,
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: req.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: req.store !== false,
    temperature: req.temperature ?? 1,
    text: { format: req.text?.format ?? { type: "text" } },
    tool_choice: req.tool_choice ?? "auto",
    tools: (req.tools ?? []).map((t) => ({ ...t, strict: t.strict ?? true, parameters: t.parameters ?? null })),
    top_p: req.top_p ?? 1,
    truncation: "disabled",
    usage: s.usage,
    user: req.user ?? null,
    metadata: req.metadata ?? {},
  };
}

/** A chat finish reason as a Responses status and incomplete reason. */
export function statusOf(finish: string | null): { status: "completed" | "incomplete"; reason: string | null } {
  if (finish === "length") return { status: "incomplete", reason: "max_output_tokens" };
  if (finish === "content_filter") return { status: "incomplete", reason: "content_filter" };
  return { status: "completed", reason: null };
}
