import "server-only";
import { NextResponse } from "next/server";
import { parseWith } from "@/lib/api/body";
import { estimateTokens, type WorstCase } from "@/lib/billing/estimate";
import { formatMoney } from "@/lib/billing/money";
import { computeCost } from "@/lib/billing/prices";
import { recordFailure, recordOutcome } from "@/lib/billing/recorder";
import type { Reservation } from "@/lib/billing/reservation";
import { reserveBudget } from "@/lib/billing/reserve";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { refusesRequests } from "@/lib/health";
import { keyAllowsModel, resolveModelOrThrow } from "@/lib/providers/catalog";
import { type EmbeddingInput, type EmbeddingResult, embedUpstream } from "@/lib/providers/embeddings";
import { type ResolvedModel, UpstreamError } from "@/lib/providers/types";
import { enforceRateLimits } from "@/lib/ratelimit";
import { countRejections, type GatewayInput, rateChecks } from "../pipeline";
import { backoffMs, ClientGone, regionsFor, sleep, toClientError } from "../upstream";
import { type EmbeddingsRequest, embeddingsRequestSchema } from "./embeddings-schema";

// POST /v1/embeddings in OpenAI's wire format, through the same steps as a chat request: who →
// model access → rate limits → reserve (input tokens × input price) → upstream (retried) →
// settle and record. No stream: the answer is one JSON list of vectors.

type EmbeddingsInput = Omit<GatewayInput, "sessionHeader" | "sessionId">;

/** Every form of `input` as a list of items: strings, or token-id arrays. */
export function inputItems(input: EmbeddingsRequest["input"]): EmbeddingInput {
  if (typeof input === "string") return [input];
  if (typeof input[0] === "number") return [input as number[]];
  return input as EmbeddingInput;
}

/** Text is at least one character per token; a token array is its own count. */
function inputTokenBound(items: EmbeddingInput): number {
  return items.reduce((n: number, item) => n + item.length + 1, 0);
}

/** What the provider counted, or an estimate from the text (token arrays count exactly). */
function usedTokens(items: EmbeddingInput, result: EmbeddingResult): { tokens: number; estimated: boolean } {
  if (result.promptTokens !== null) return { tokens: result.promptTokens, estimated: false };
  return {
    tokens: items.reduce((n: number, item) => n + (typeof item === "string" ? estimateTokens(item) : item.length), 0),
    estimated: true,
  };
}

export async function runEmbeddings(input: EmbeddingsInput): Promise<Response> {
  if (refusesRequests())
    throw new AppError("unavailable", "This server is shutting down; retry on another instance", {
      headers: { "retry-after": "1" },
    });
  const request = parseWith(embeddingsRequestSchema, input.body);
  const model = await resolveModelOrThrow(request.model, "EMBEDDING");
  const key = input.principal.key;
  if (key && !keyAllowsModel(key.allowedModels, model.publicId)) {
    throw new AppError("forbidden", `This API key may not use the model '${model.publicId}'`, { param: "model" });
  }
  const items = inputItems(request.input);
  const bound = inputTokenBound(items);
  const worst: WorstCase = {
    promptTokens: bound,
    outputTokens: 0,
    money: computeCost(
      { ...model, cachedInputPrice: null },
      { promptTokens: bound, completionTokens: 0, cachedTokens: 0 },
    ),
    tokens: BigInt(bound),
  };
  const estimate = items.reduce(
    (n: number, item) => n + (typeof item === "string" ? estimateTokens(item) : item.length),
    0,
  );
  const [rateHeaders, reservation] = await countRejections(async () => {
    const headers = await enforceRateLimits(rateChecks(input.principal, estimate));
    const reserved = await reserveBudget({
      requestId: input.requestId,
      principal: input.principal,
      model: model.publicId,
      worst,
      stream: false,
      promptJson: JSON.stringify({ input: request.input }),
    });
    return [headers, reserved] as const;
  });
  const startedAt = performance.now();
  let result: EmbeddingResult & { region: string | null; attempts: number };
  try {
    result = await embedWithRetries(model, items, request, input.signal);
  } catch (err) {
    const gone = err instanceof ClientGone;
    const failure = err as Error & { attempts?: number };
    recordFailure({
      userId: input.principal.userId,
      provider: model.provider.name,
      reservation,
      status: gone ? "ABORTED" : "ERROR",
      error: gone ? "client disconnected before the answer" : failure.message,
      model: model.publicId,
      latencyMs: Math.round(performance.now() - startedAt),
      attempts: failure.attempts ?? 1,
    });
    if (gone) return new Response(null, { status: 499 });
    throw err instanceof EmbeddingFailure ? err.clientError : err;
  }
  return respond({ input, request, model, items, result, reservation, rateHeaders, startedAt });
}

class EmbeddingFailure extends Error {
  constructor(
    readonly clientError: AppError,
    readonly attempts: number,
  ) {
    super(clientError.message);
  }
}

/** The provider's call, retried with backoff on 429/5xx/network errors and time-outs, Bedrock rotating regions. */
async function embedWithRetries(
  model: ResolvedModel,
  items: EmbeddingInput,
  request: EmbeddingsRequest,
  clientSignal: AbortSignal,
) {
  const cfg = config();
  const regions = await regionsFor(model);
  if (regions instanceof UpstreamError) throw new EmbeddingFailure(toClientError(regions, 0), 0);
  let last: UpstreamError | null = null;
  let attempts = 0;
  for (let retry = 0; retry <= cfg.UPSTREAM_MAX_RETRIES; retry++) {
    if (clientSignal.aborted) throw new ClientGone();
    if (retry > 0) await sleep(backoffMs(retry), clientSignal);
    const region = regions[retry % regions.length] ?? null;
    attempts++;
    const timeout = AbortSignal.timeout(cfg.UPSTREAM_TTFT_TIMEOUT_MS);
    try {
      const result = await embedUpstream({
        model,
        input: items,
        dimensions: request.dimensions,
        user: request.user,
        region: region ?? undefined,
        signal: AbortSignal.any([clientSignal, timeout]),
      });
      return { ...result, region, attempts };
    } catch (err) {
      if (clientSignal.aborted) throw new ClientGone();
      if (timeout.aborted)
        last = new UpstreamError(
          `Upstream ${model.provider.name} sent no embeddings within ${cfg.UPSTREAM_TTFT_TIMEOUT_MS} ms`,
          504,
          true,
          "timeout",
        );
      else if (err instanceof UpstreamError) last = err;
      else throw err;
      if (!last.retryable) break;
    }
  }
  throw new EmbeddingFailure(
    last?.status === 400 ? new AppError("bad_request", last.message) : toClientError(last, attempts),
    attempts,
  );
}

function respond(r: {
  input: EmbeddingsInput;
  request: EmbeddingsRequest;
  model: ResolvedModel;
  items: EmbeddingInput;
  result: EmbeddingResult & { region: string | null; attempts: number };
  reservation: Reservation;
  rateHeaders: Record<string, string>;
  startedAt: number;
}): Response {
  const { tokens, estimated } = usedTokens(r.items, r.result);
  const usage = { promptTokens: tokens, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
  const cost = computeCost(r.model, usage);
  const latencyMs = Math.round(performance.now() - r.startedAt);
  const dims = r.result.vectors[0]?.length ?? 0;
  recordOutcome({
    reservation: r.reservation,
    principal: r.input.principal,
    model: r.model.publicId,
    providerName: r.model.provider.name,
    region: r.result.region,
    status: "OK",
    usage,
    usageEstimated: estimated,
    cost,
    latencyMs,
    ttftMs: latencyMs,
    error: null,
    reply: `[${r.result.vectors.length} embedding(s) of ${dims} dimensions]`,
    attempts: r.result.attempts,
    finishedAt: new Date(),
  });
  const base64 = r.request.encoding_format === "base64";
  const body = {
    object: "list",
    data: r.result.vectors.map((v, index) => ({ object: "embedding", index, embedding: base64 ? toBase64(v) : v })),
    model: r.model.publicId,
    usage: { prompt_tokens: tokens, total_tokens: tokens, cost: formatMoney(cost) },
  };
  return NextResponse.json(body, {
    headers: { ...r.rateHeaders, "x-request-id": r.input.requestId, "x-tollgate-cost": formatMoney(cost) },
  });
}

/** OpenAI's base64 encoding: the vector as little-endian float32 bytes. */
function toBase64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString("base64");
}
