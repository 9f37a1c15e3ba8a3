import type { Principal } from "@/lib/billing/principal";
import type { Reservation } from "@/lib/billing/reservation";
import type { ResolvedModel } from "@/lib/providers/types";
import type { ChatCompletionRequest } from "@/lib/validations/gateway";
import type { FormatOutput } from "./format-output";

// What the pipeline (pipeline.ts) hands to the code that answers (respond.ts): in a module of its
// own, so the two do not import each other.

export type GatewayInput = {
  principal: Principal & {
    rates: { keyRpm: number | null; keyTpm: number | null; userRpm: number | null; userTpm: number | null };
  };
  body: unknown;
  requestId: string;
  signal: AbortSignal;
  /** `x-session-id` from an API client, or the chat page's own session. */
  sessionHeader?: string | null;
  sessionId?: string;
  /** Another wire format's shape for the answer (lib/gateway/formats/); unset: chat completions. */
  format?: FormatOutput;
};

/**
 * The body's own `messages`, as the client sent it: the array whose large texts lib/api/body.ts may
 * have kept, for the prompt record and the session hash to reuse (request.messages is its parsed copy).
 */
export function sentMessages(input: GatewayInput): unknown {
  return (input.body as { messages?: unknown } | null)?.messages;
}

export type GatewayContext = {
  input: GatewayInput;
  request: ChatCompletionRequest;
  forwardBody: Record<string, unknown>;
  models: ResolvedModel[];
  reservation: Reservation;
  /** Characters of message text (promptLength), for the estimate when an upstream reports no usage. */
  promptLength: number;
  startedAt: number;
  rateHeaders: Record<string, string>;
};
