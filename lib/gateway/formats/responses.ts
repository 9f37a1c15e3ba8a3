import "server-only";
import { parseWith } from "@/lib/api/body";
import { logger } from "@/lib/logging/logger";
import type { FormatOutput } from "../format-output";
import { chatAnswer, type GatewayInput } from "../pipeline";
import {
  type ChatMessage,
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

// POST /v1/responses: the OpenAI Responses API, translated to chat completions and back, so every
// upstream (OpenAI, OpenAI-compatible servers, Bedrock, Ollama) serves it through the one pipeline:
// the request becomes a chat-completions body, and the pipeline shapes its answer with this
// module's FormatOutput as it is produced.
// A stored response (store: true, the default) keeps the whole conversation, so a request with
// previous_response_id continues it; stored responses belong to the key's owner alone.

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
  return chatAnswer({ ...input, body: toChatBody(req, history, messages), format: responsesOutput(turn) });
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
async function finishTurn(turn: Turn, state: ResponseState) {
  const body = responseObject(turn.req, turn.req.model, state);
  if (turn.req.store === false || state.status === "failed") return body;
  try {
    await saveResponse({
      id: turn.id,
      userId: turn.input.principal.userId,
      apiKeyId: turn.input.principal.key?.id ?? null,
      previousResponseId: turn.req.previous_response_id ?? null,
      model: turn.req.model,
      messages: [...turn.history, ...turn.messages, replyMessage(state.output)],
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
 * response.failed when the upstream cuts the stream.
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
  const event = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
  const snapshot = () => responseObject(turn.req, turn.req.model, state);
  let text: { item: Extract<OutputItem, { type: "message" }>; index: number } | null = null;
  let call: { item: Extract<OutputItem, { type: "function_call" }>; index: number } | null = null;
  const calls = new Map<number, Extract<OutputItem, { type: "function_call" }>>();
  let finish: string | null = null;
  let started = false;
  const start = (): string => {
    if (started) return "";
    started = true;
    return (
      event("response.created", { response: snapshot() }) + event("response.in_progress", { response: snapshot() })
    );
  };

  const closeOpen = (status: "completed" | "incomplete"): string => {
    let out = "";
    if (text) {
      const { item, index } = text;
      const part = item.content[0];
      item.status = status;
      out += event("response.output_text.done", {
        item_id: item.id,
        output_index: index,
        content_index: 0,
        text: part.text,
        logprobs: [],
      });
      out += event("response.content_part.done", { item_id: item.id, output_index: index, content_index: 0, part });
      out += event("response.output_item.done", { output_index: index, item });
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

  return {
    completion: (body) => finishTurn(turn, completedState(turn, body)),
    chunk(chunk) {
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
            out += event("response.output_item.added", { output_index: text.index, item: { ...item, content: [] } });
            item.content.push({ type: "output_text", text: "", annotations: [] });
            out += event("response.content_part.added", {
              item_id: item.id,
              output_index: text.index,
              content_index: 0,
              part: { type: "output_text", text: "", annotations: [] },
            });
          }
          text.item.content[0].text += delta.content;
          out += event("response.output_text.delta", {
            item_id: text.item.id,
            output_index: text.index,
            content_index: 0,
            delta: delta.content,
            logprobs: [],
          });
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
            out += event("response.function_call_arguments.delta", {
              item_id: item.id,
              output_index: call.index,
              delta: args,
            });
          }
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      }
      if (chunk.usage) state.usage = responsesUsage(chunk.usage);
      return out;
    },
    async end() {
      const { status, reason } = statusOf(finish);
      const out = start() + closeOpen(status);
      state.status = status;
      state.incompleteReason = reason;
      const body = await finishTurn(turn, state);
      return out + event(status === "completed" ? "response.completed" : "response.incomplete", { response: body });
    },
    fail(message) {
      const out = start() + closeOpen("incomplete");
      state.status = "failed";
      state.error = { code: "server_error", message };
      return out + event("response.failed", { response: snapshot() });
    },
  };
}
