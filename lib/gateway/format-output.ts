import type { ErrorCode } from "@/lib/errors";
import type { ChatCompletionChunk, NativeEvent } from "@/lib/providers/types";

/**
 * How a wire format other than chat completions (lib/gateway/formats/) shapes the pipeline's answer
 * as it is produced, when it passes one in GatewayInput.format: the pipeline still relays, counts,
 * bills and records; only the bytes the client receives differ. Streams are mapped chunk by chunk,
 * with no chat-completions text to write and parse back.
 *
 * A format an upstream speaks itself (`native`: the Responses API on OpenAI providers) is sent as
 * the client's own request to such an upstream, and its answer is relayed: the methods below then
 * also receive the upstream's own response object or events (`native`), beside the chat-completions
 * view of them the gateway bills from.
 */
export type FormatOutput = {
  /** A whole answer: the format's body for the gateway's chat.completion (its usage carries `cost`). */
  completion(
    body: Record<string, unknown> & { choices: unknown[] },
    native?: Record<string, unknown>,
  ): Promise<unknown>;
  /** A streamed chunk, in order, as text for the client ("" for none); a usage chunk carries `usage.cost`. */
  chunk(chunk: ChatCompletionChunk, native?: NativeEvent, raw?: string): string;
  /** The stream finished: its closing text. */
  end(): Promise<string>;
  /** The upstream failed mid-stream (the request is billed for what was produced): the closing text. */
  fail(message: string, code: Extract<ErrorCode, "upstream_error" | "upstream_timeout">): string;
  /** The request in the format itself, for the upstreams that speak it (by provider kind). */
  native?: NativeRequest;
};

/** A format's own request body; the pipeline sets `model` to the upstream's id and caps the output. */
export type NativeRequest = { api: "responses"; body: Record<string, unknown> };
