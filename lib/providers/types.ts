// What the gateway needs from any upstream, whatever its wire format: OpenAI-shaped results.

export type ProviderKind = "OPENAI" | "OPENAI_COMPATIBLE" | "BEDROCK" | "OLLAMA";

/** What a model answers: chat (chat completions and the formats built on it) or embeddings. */
export type ModelKind = "CHAT" | "EMBEDDING";

export type ResolvedProvider = {
  id: string;
  name: string;
  kind: ProviderKind;
  baseUrl: string | null;
  apiKey?: string;
  awsAccessKeyId?: string;
  awsSecretAccessKey?: string;
  regions: string[];
};

export type ResolvedModel = {
  id: string;
  publicId: string;
  upstreamId: string;
  kind: ModelKind;
  description: string;
  inputPrice: bigint;
  outputPrice: bigint;
  cachedInputPrice: bigint | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  supportsImages: boolean;
  supportsTools: boolean;
  fallbacks: string[];
  provider: ResolvedProvider;
};

export type Usage = {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
};

/**
 * One streamed chunk in OpenAI's chat.completion.chunk shape; `raw` is the exact upstream text when relayed,
 * and `bytes` the whole event's own bytes (`data: <raw>\n\n`) where a relay may write them as they came
 * (lib/providers/http.ts). Relayed from an upstream that speaks the client's own wire format (the Responses
 * API on OpenAI), `native` is the upstream's event as parsed and `chunk` only what the gateway counts and
 * bills from it. `content` is set when the event is a plain content delta recognised by its text alone
 * (lib/providers/openai-wire.ts): its text, with no finish, usage or tool call; its `chunk` is then parsed
 * only when something asks for it.
 */
export type StreamChunk = {
  raw?: string;
  bytes?: Uint8Array;
  chunk: ChatCompletionChunk;
  native?: NativeEvent;
  content?: string;
};

/** An event of an upstream's own wire format, relayed rather than translated: its `type` and fields. */
export type NativeEvent = { type: string; [field: string]: unknown };

export type ChatCompletionChunk = {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  choices: Array<{
    index: number;
    delta: {
      role?: string;
      content?: string | null;
      reasoning_content?: string | null;
      tool_calls?: Array<{
        index: number;
        id?: string;
        type?: string;
        function?: { name?: string; arguments?: string };
      }>;
    };
    finish_reason?: string | null;
  }>;
  usage?: OpenAiUsage | null;
};

export type OpenAiUsage = {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
  cost?: string;
};

export type ChatCompletion = {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: string; content: string | null; tool_calls?: unknown[] };
    finish_reason: string | null;
  }>;
  usage?: OpenAiUsage;
  [extra: string]: unknown;
};

export type UpstreamCall = {
  model: ResolvedModel;
  /** The client's body with `model` already set to the upstream id. */
  body: Record<string, unknown>;
  signal: AbortSignal;
  region?: string;
};

/** A stream's chunks in batches: those that arrived together (one read of the upstream's body) come as one. */
export type UpstreamStream = { region?: string; batches: AsyncIterable<StreamChunk[]> };
/** `native`: the upstream's own answer, when it speaks the client's wire format (`completion` is then what is billed). */
export type UpstreamCompletion = { region?: string; completion: ChatCompletion; native?: Record<string, unknown> };

/**
 * An upstream answered with an error status (or could not be reached). `retryable`: 429, 5xx, network.
 * `regional`: the failure may be this region's only (Bedrock: model access or availability), so
 * the model's other regions are tried before any fallback.
 */
export class UpstreamError extends Error {
  regional = false;
  constructor(
    message: string,
    readonly status: number,
    readonly retryable: boolean,
    readonly kind: "status" | "network" | "timeout" = "status",
  ) {
    super(message);
    this.name = "UpstreamError";
  }
}

export function usageFromOpenAi(u: OpenAiUsage | null | undefined): Usage | null {
  if (!u || (u.prompt_tokens === undefined && u.completion_tokens === undefined)) return null;
  return {
    promptTokens: u.prompt_tokens ?? 0,
    completionTokens: u.completion_tokens ?? 0,
    cachedTokens: u.prompt_tokens_details?.cached_tokens ?? 0,
    reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}
