import type { ChatCompletionChunk } from "@/lib/providers/types";

/**
 * How a wire format other than chat completions (lib/gateway/formats/) shapes the pipeline's answer
 * as it is produced, when it passes one in GatewayInput.format: the pipeline still relays, counts,
 * bills and records; only the bytes the client receives differ. Streams are mapped chunk by chunk,
 * with no chat-completions text to write and parse back.
 */
export type FormatOutput = {
  /** A whole answer: the format's body for the gateway's chat.completion (its usage carries `cost`). */
  completion(body: Record<string, unknown> & { choices: unknown[] }): Promise<unknown>;
  /** A streamed chunk, in order, as text for the client ("" for none); a usage chunk carries `usage.cost`. */
  chunk(chunk: ChatCompletionChunk): string;
  /** The stream finished: its closing text. */
  end(): Promise<string>;
  /** The upstream failed mid-stream (the request is billed for what was produced): the closing text. */
  fail(message: string): string;
};
