import "server-only";
import { InvalidArgumentError, TooManyEmbeddingValuesForCallError } from "@ai-sdk/provider";
import { asUpstreamError, bedrockProvider } from "./ai-sdk";
import { upstreamErrorFrom, upstreamRequest } from "./http";
import type { ResolvedModel } from "./types";
import { UpstreamError } from "./types";

// One embeddings call to a model's provider, whatever its wire: OpenAI-wire POST /embeddings,
// Bedrock InvokeModel (Titan, Cohere; through the AI SDK, which signs it), Ollama POST /api/embed.
// The answer is always float vectors plus the provider's token count (null when it gave none).

export type EmbeddingInput = string[] | number[][];
export type EmbeddingResult = { vectors: number[][]; promptTokens: number | null };
export type EmbeddingCall = {
  model: ResolvedModel;
  input: EmbeddingInput;
  dimensions?: number;
  user?: string;
  region?: string;
  signal: AbortSignal;
};

const DEFAULT_OPENAI_BASE = "https://api.openai.com/v1";
const isTokenArrays = (input: EmbeddingInput): input is number[][] => typeof input[0] !== "string";

export async function embedUpstream(call: EmbeddingCall): Promise<EmbeddingResult> {
  const kind = call.model.provider.kind;
  if (kind === "OPENAI" || kind === "OPENAI_COMPATIBLE") return openAiEmbed(call);
  if (isTokenArrays(call.input)) {
    throw new UpstreamError(
      `input: token arrays are accepted for OpenAI-wire models only; send text to '${call.model.publicId}'`,
      400,
      false,
    );
  }
  return kind === "OLLAMA" ? ollamaEmbed(call, call.input) : bedrockEmbed(call, call.input);
}

async function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  call: EmbeddingCall,
): Promise<unknown> {
  const res = await upstreamRequest(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    signal: call.signal,
  });
  if (!res.ok) throw await upstreamErrorFrom(res, call.model.provider.name);
  try {
    return await res.json();
  } catch {
    throw new UpstreamError(`Upstream ${call.model.provider.name} sent a malformed embeddings answer`, 502, false);
  }
}

function vectorsOrThrow(vectors: unknown, count: number, call: EmbeddingCall): number[][] {
  const ok =
    Array.isArray(vectors) &&
    vectors.length === count &&
    vectors.every((v) => Array.isArray(v) && v.every((x) => typeof x === "number"));
  if (!ok)
    throw new UpstreamError(`Upstream ${call.model.provider.name} sent a malformed embeddings answer`, 502, false);
  return vectors as number[][];
}

const tokenCount = (n: unknown) => (typeof n === "number" && Number.isFinite(n) && n >= 0 ? Math.round(n) : null);

async function openAiEmbed(call: EmbeddingCall): Promise<EmbeddingResult> {
  const p = call.model.provider;
  const base = (p.baseUrl ?? DEFAULT_OPENAI_BASE).replace(/\/+$/, "");
  // Floats are always asked for: Tollgate encodes base64 itself, the same way for every provider.
  const body = {
    model: call.model.upstreamId,
    input: call.input,
    encoding_format: "float",
    ...(call.dimensions ? { dimensions: call.dimensions } : {}),
    ...(call.user ? { user: call.user } : {}),
  };
  const json = (await postJson(
    `${base}/embeddings`,
    p.apiKey ? { authorization: `Bearer ${p.apiKey}` } : {},
    body,
    call,
  )) as {
    data?: Array<{ index?: number; embedding?: unknown }>;
    usage?: { prompt_tokens?: number };
  };
  const data = [...(json?.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  return {
    vectors: vectorsOrThrow(
      data.map((d) => d.embedding),
      call.input.length,
      call,
    ),
    promptTokens: tokenCount(json?.usage?.prompt_tokens),
  };
}

async function ollamaEmbed(call: EmbeddingCall, input: string[]): Promise<EmbeddingResult> {
  const base = (call.model.provider.baseUrl ?? "http://127.0.0.1:11434").replace(/\/+$/, "");
  const body = { model: call.model.upstreamId, input, ...(call.dimensions ? { dimensions: call.dimensions } : {}) };
  const json = (await postJson(`${base}/api/embed`, {}, body, call)) as {
    embeddings?: unknown;
    prompt_eval_count?: number;
  };
  return {
    vectors: vectorsOrThrow(json?.embeddings, input.length, call),
    promptTokens: tokenCount(json?.prompt_eval_count),
  };
}

/** Titan embeds one text per call (sent in parallel), Cohere up to 96. `dimensions` maps to each family's own option. */
async function bedrockEmbed(call: EmbeddingCall, input: string[]): Promise<EmbeddingResult> {
  const cohere = call.model.upstreamId.includes("cohere.embed-");
  const model = bedrockProvider(call.model.provider, call.region).embedding(call.model.upstreamId);
  const perCall = cohere ? 96 : 1;
  const options = call.dimensions
    ? { amazonBedrock: cohere ? { outputDimension: call.dimensions } : { dimensions: call.dimensions } }
    : undefined;
  const batches: string[][] = [];
  for (let i = 0; i < input.length; i += perCall) batches.push(input.slice(i, i + perCall));
  try {
    const results = await Promise.all(
      batches.map((values) => model.doEmbed({ values, abortSignal: call.signal, providerOptions: options })),
    );
    const tokens = results.map((r) => tokenCount(r.usage?.tokens));
    return {
      vectors: vectorsOrThrow(
        results.flatMap((r) => r.embeddings),
        input.length,
        call,
      ),
      promptTokens: tokens.every((t) => t !== null) ? tokens.reduce((a, b) => a! + b!, 0) : null,
    };
  } catch (err) {
    if (InvalidArgumentError.isInstance(err) || TooManyEmbeddingValuesForCallError.isInstance(err)) {
      throw new UpstreamError(
        `dimensions: not supported by '${call.model.publicId}' (${err.message.slice(0, 200)})`,
        400,
        false,
      );
    }
    throw asUpstreamError(err, { model: call.model, body: {}, signal: call.signal, region: call.region });
  }
}
