import "server-only";
import { parseWith } from "@/lib/api/body";
import { logger } from "@/lib/logging/logger";
import type { NativeEvent } from "@/lib/providers/types";
import { withoutClientRouting } from "../client-routing";
import type { FormatOutput } from "../format-output";
import { chatAnswer, type GatewayInput } from "../pipeline";
import {
  type ChatMessage,
  inputItemsFromChat,
  inputItemsOf,
  newId,
  type OutputItem,
  type ResponseState,
  replyMessage,
  responseObject,
  responsesUsage,
  statusOf,
  toChatBody,
  toChatMessages,
} from "./responses-items";
import { type ResponsesRequest, responsesRequestSchema } from "./responses-request";
import { previousConversationOrThrow, saveResponse } from "./responses-store";
import type { GatewayUsage } from "./via-chat";

// POST /v1/responses: the OpenAI Responses API through the one pipeline. An OpenAI provider speaks
// it itself: the request is passed through (model id rewritten) and the upstream's response or
// events relayed, with the model, id and storage fields made Tollgate's. Every other upstream
// (OpenAI-compatible servers, Bedrock, Ollama) gets it translated to chat completions, and the
// pipeline shapes the answer with this module's FormatOutput as it is produced. Either way the
// pipeline admits, bills (from the upstream's usage) and records it as a chat completion.
// A stored response (store: true, the default) is kept by Tollgate with the whole conversation, so
// a request with previous_response_id continues it on any provider: an OpenAI upstream is sent the
// earlier turns as input and `store: false`, never the id. Stored responses belong to the key's owner alone.

type Turn = {
  req: ResponsesRequest;
  input: GatewayInput;
  id: string;
  createdAt: number;
  history: ChatMessage[];
  messages: ChatMessage[];
};

export async function createResponse(input: GatewayInput): Promise<Response> {
  const req = parseWith(responsesRequestSchema, input.body);
  const history = req.previous_response_id
    ? await previousConversationOrThrow(input.principal.userId, req.previous_response_id)
    : [];
  const messages = toChatMessages(
    typeof req.input === "string" ? [{ type: "message", role: "user", content: req.input }] : req.input,
  );
  const turn: Turn = { req, input, id: newId("resp"), createdAt: Math.floor(Date.now() / 1000), history, messages };
  const format = {
    ...responsesOutput(turn),
    native: { api: "responses" as const, body: nativeBody(input.body, history) },
  };
  return chatAnswer({ ...input, body: toChatBody(req, history, messages), format });
}

/** The request for an upstream that speaks the Responses API: Tollgate keeps the store and the chain. */
function nativeBody(raw: unknown, history: ChatMessage[]): Record<string, unknown> {
  const body = withoutClientRouting(raw as Record<string, unknown>);
  delete body.previous_response_id;
  if (history.length) {
    const input =
      typeof body.input === "string" ? [{ type: "message", role: "user", content: body.input }] : body.input;
    body.input = [...inputItemsFromChat(history), ...(input as unknown[])];
  }
  body.store = false;
  return body;
}

function completedState(turn: Turn, completion: { choices: unknown[]; usage?: GatewayUsage }): ResponseState {
  const choice = completion.choices[0] as { message?: unknown; finish_reason?: string | null } | undefined;
  const message = choice?.message as
    | { content?: string | null; tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: string } }> }
    | undefined;
  const { status, reason } = statusOf(choice?.finish_reason ?? null);
  const output: OutputItem[] = [];
  if (message?.content)
    output.push({
      type: "message",
      id: newId("msg"),
      status,
      role: "assistant",
      content: [{ type: "output_text", text: message.content, annotations: [] }],
    });
  for (const call of message?.tool_calls ?? []) {
    output.push({
      type: "function_call",
      id: newId("fc"),
      call_id: call.id ?? newId("call"),
      name: call.function?.name ?? "",
      arguments: call.function?.arguments ?? "",
      status: "completed",
    });
  }
  return {
    id: turn.id,
    createdAt: turn.createdAt,
    status,
    output,
    usage: responsesUsage(completion.usage),
    incompleteReason: reason,
  };
}

/** The response object of a finished turn, stored first (unless store: false) so a chained request finds it. */
function finishTurn(turn: Turn, state: ResponseState) {
  return keepTurn(turn, responseObject(turn.req, turn.req.model, state), state.output);
}

async function keepTurn<T extends object>(turn: Turn, body: T, output: OutputItem[]): Promise<T> {
  if (turn.req.store === false || (body as { status?: unknown }).status === "failed") return body;
  try {
    await saveResponse({
      id: turn.id,
      userId: turn.input.principal.userId,
      apiKeyId: turn.input.principal.key?.id ?? null,
      previousResponseId: turn.req.previous_response_id ?? null,
      model: turn.req.model,
      messages: [...turn.history, ...turn.messages, replyMessage(output)],
      inputItems: inputItemsOf(turn.req.input),
      response: body,
    });
  } catch (err) {
    // The answer was produced and billed: the client gets it, only chaining from it will fail.
    logger.error(
      { requestId: turn.input.requestId, err: err instanceof Error ? err.message : String(err) },
      "could not store a response",
    );
  }
  return body;
}

/**
 * The pipeline's answer as the Responses API's: a whole response object, or the typed events —
 * response.created, then each output item (a message's text deltas, a function call's argument
 * deltas) opened, streamed and closed in order, then response.completed with usage, or
 * response.failed when the upstream cuts the stream. Relayed from an upstream that speaks the
 * Responses API, its own events go out as they come (`relayed`).
 */
function responsesOutput(turn: Turn): FormatOutput {
  const state: ResponseState = {
    id: turn.id,
    createdAt: turn.createdAt,
    status: "in_progress",
    output: [],
    usage: null,
  };
  let seq = 0;
  // type and sequence_number first, then the event's own fields (types are plain names: no escaping).
  const event = (type: string, data: Record<string, unknown>) => {
    const fields = JSON.stringify(data);
    return `event: ${type}\ndata: {"type":"${type}","sequence_number":${seq++}${fields.length > 2 ? `,${fields.slice(1)}` : "}"}\n\n`;
  };
  const snapshot = () => responseObject(turn.req, turn.req.model, state);
  let text: { item: Extract<OutputItem, { type: "message" }>; index: number } | null = null;
  let call: { item: Extract<OutputItem, { type: "function_call" }>; index: number } | null = null;
  const calls = new Map<number, Extract<OutputItem, { type: "function_call" }>>();
  let finish: string | null = null;
  let started = false;
  const start = (): string => {
    if (started) return "";
    started = true;
    // The same snapshot twice: serialised once.
    const response = JSON.stringify(snapshot());
    const created = `event: response.created\ndata: {"type":"response.created","sequence_number":${seq++},"response":${response}}\n\n`;
    return `${created}event: response.in_progress\ndata: {"type":"response.in_progress","sequence_number":${seq++},"response":${response}}\n\n`;
  };
  // The hot events — one per chunk, and those of every text answer — written out rather than built
  // as objects and serialised (ids are hex, statuses and types plain words).
  const textDelta = (id: string, index: number, delta: string) =>
    `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${seq++},"item_id":"${id}","output_index":${index},"content_index":0,"delta":${JSON.stringify(delta)},"logprobs":[]}\n\n`;
  const argumentsDelta = (id: string, index: number, delta: string) =>
    `event: response.function_call_arguments.delta\ndata: {"type":"response.function_call_arguments.delta","sequence_number":${seq++},"item_id":"${id}","output_index":${index},"delta":${JSON.stringify(delta)}}\n\n`;

  const closeOpen = (status: "completed" | "incomplete"): string => {
    let out = "";
    if (text) {
      const { item, index } = text;
      item.status = status;
      // The whole text three times, serialised once (the message item's fields, in its own order).
      const whole = JSON.stringify(item.content[0].text);
      const part = `{"type":"output_text","text":${whole},"annotations":[]}`;
      out += `event: response.output_text.done\ndata: {"type":"response.output_text.done","sequence_number":${seq++},"item_id":"${item.id}","output_index":${index},"content_index":0,"text":${whole},"logprobs":[]}\n\n`;
      out += `event: response.content_part.done\ndata: {"type":"response.content_part.done","sequence_number":${seq++},"item_id":"${item.id}","output_index":${index},"content_index":0,"part":${part}}\n\n`;
      out += `event: response.output_item.done\ndata: {"type":"response.output_item.done","sequence_number":${seq++},"output_index":${index},"item":{"type":"message","id":"${item.id}","status":"${status}","role":"assistant","content":[${part}]}}\n\n`;
      text = null;
    }
    if (call) {
      const { item, index } = call;
      item.status = status;
      out += event("response.function_call_arguments.done", {
        item_id: item.id,
        output_index: index,
        name: item.name,
        arguments: item.arguments,
      });
      out += event("response.output_item.done", { output_index: index, item });
      call = null;
    }
    return out;
  };

  // The upstream's events, each as it came unless it carries the response, which is made Tollgate's
  // (id, model, chain and store fields, usage with its cost); the final one is held until the
  // response is stored, as a translated stream's is.
  const relayed = {
    on: false,
    seq: 0,
    last: null as Record<string, unknown> | null,
    end: null as { type: string; event: NativeEvent; response: Record<string, unknown> } | null,
  };
  const own = (response: Record<string, unknown>, cost?: string) => ({
    ...response,
    id: turn.id,
    model: turn.req.model,
    previous_response_id: turn.req.previous_response_id ?? null,
    store: turn.req.store !== false,
    ...(cost !== undefined && response.usage ? { usage: { ...(response.usage as object), cost } } : {}),
  });
  const relay = (native: NativeEvent, raw: string | undefined, cost: string | undefined): string => {
    relayed.on = true;
    if (typeof native.sequence_number === "number") relayed.seq = native.sequence_number + 1;
    if (typeof native.response !== "object" || native.response === null)
      return `event: ${native.type}\ndata: ${raw ?? JSON.stringify(native)}\n\n`;
    const response = own(native.response as Record<string, unknown>, cost);
    relayed.last = response;
    if (native.type === "response.completed" || native.type === "response.incomplete") {
      relayed.end = { type: native.type, event: native, response };
      return "";
    }
    return `event: ${native.type}\ndata: ${JSON.stringify({ ...native, response })}\n\n`;
  };

  return {
    completion: (body, native) =>
      native
        ? keepTurn(turn, own(native, (body.usage as GatewayUsage | undefined)?.cost), native.output as OutputItem[])
        : finishTurn(turn, completedState(turn, body)),
    chunk(chunk, native, raw) {
      if (native) return relay(native, raw, chunk.usage?.cost);
      let out = start();
      for (const choice of chunk.choices) {
        if (choice.index !== 0) continue;
        const delta = choice.delta ?? {};
        if (delta.content) {
          if (!text) {
            out += closeOpen("completed");
            const item: Extract<OutputItem, { type: "message" }> = {
              type: "message",
              id: newId("msg"),
              status: "in_progress",
              role: "assistant",
              content: [],
            };
            text = { item, index: state.output.push(item) - 1 };
            out += `event: response.output_item.added\ndata: {"type":"response.output_item.added","sequence_number":${seq++},"output_index":${text.index},"item":{"type":"message","id":"${item.id}","status":"in_progress","role":"assistant","content":[]}}\n\n`;
            item.content.push({ type: "output_text", text: "", annotations: [] });
            out += `event: response.content_part.added\ndata: {"type":"response.content_part.added","sequence_number":${seq++},"item_id":"${item.id}","output_index":${text.index},"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}}\n\n`;
          }
          text.item.content[0].text += delta.content;
          out += textDelta(text.item.id, text.index, delta.content);
        }
        for (const t of delta.tool_calls ?? []) {
          let item = calls.get(t.index);
          if (!item) {
            out += closeOpen("completed");
            item = {
              type: "function_call",
              id: newId("fc"),
              call_id: t.id ?? newId("call"),
              name: t.function?.name ?? "",
              arguments: "",
              status: "in_progress",
            };
            calls.set(t.index, item);
            call = { item, index: state.output.push(item) - 1 };
            out += event("response.output_item.added", { output_index: call.index, item: { ...item } });
          } else if (call?.item !== item) {
            continue; // a late piece of a call already closed: its events are sent
          }
          const args = t.function?.arguments;
          if (args && call) {
            item.arguments += args;
            out += argumentsDelta(item.id, call.index, args);
          }
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      }
      if (chunk.usage) state.usage = responsesUsage(chunk.usage);
      return out;
    },
    async end() {
      if (relayed.on) {
        const held = relayed.end;
        if (!held) return "";
        const response = await keepTurn(turn, held.response, held.response.output as OutputItem[]);
        return `event: ${held.type}\ndata: ${JSON.stringify({ ...held.event, response })}\n\n`;
      }
      const { status, reason } = statusOf(finish);
      const out = start() + closeOpen(status);
      state.status = status;
      state.incompleteReason = reason;
      const body = await finishTurn(turn, state);
      const type = status === "completed" ? "response.completed" : "response.incomplete";
      return `${out}event: ${type}\ndata: {"type":"${type}","sequence_number":${seq++},"response":${JSON.stringify(body)}}\n\n`;
    },
    fail(message) {
      if (relayed.last) {
        const response = { ...relayed.last, status: "failed", error: { code: "server_error", message } };
        const failed = { type: "response.failed", sequence_number: relayed.seq, response };
        return `event: response.failed\ndata: ${JSON.stringify(failed)}\n\n`;
      }
      const out = start() + closeOpen("incomplete");
      state.status = "failed";
      state.error = { code: "server_error", message };
      return out + event("response.failed", { response: snapshot() });
    },
  };
}
