import "server-only";
import { parseWith } from "@/lib/api/body";
import { MAX_TOKENS_CAPPED_HEADER, reserveWithinMeans, withOutputCap } from "@/lib/billing/affordable";
import { tokensOfLength } from "@/lib/billing/estimate";
import { recordFailure } from "@/lib/billing/recorder";
import { webResponse } from "@/lib/direct-path.mjs";
import { AppError } from "@/lib/errors";
import { refusesRequests } from "@/lib/health";
import { logger } from "@/lib/logging/logger";
import { rateLimitRejected } from "@/lib/metrics/prometheus";
import { findModel, keyAllowsModel, resolveModelOrThrow } from "@/lib/providers/catalog";
import type { ResolvedModel } from "@/lib/providers/types";
import { enforceRateLimits, type RateCheck } from "@/lib/ratelimit";
import { chatCompletionRequestSchema } from "@/lib/validations/gateway";
import { withoutClientRouting } from "./client-routing";
import { promptLength } from "./conversation";
import { promptForHistory } from "./prompt-record";
import { completionResponse, streamResponse } from "./respond";
import { ClientGone, openUpstream, UpstreamFailure } from "./upstream";

/** Chat requests may carry images; everything else in our API stays under 1 MB. */
export const GATEWAY_BODY_LIMIT = 20 * 1024 * 1024;

// The one pipeline every chat request goes through, from /api/v1 or the chat page:
// who (principal) → may they use the model → rate limits → reserve the worst case → upstream
// (retries, fallbacks) → relay → settle and record (off the critical path).

import { type GatewayContext, type GatewayInput, sentMessages } from "./context";
import type { NativeRequest } from "./format-output";

export type { GatewayContext, GatewayInput };

/** The answer as an ordinary Response, for callers in this process (the chat page, titles, summaries). */
export async function runChatCompletion(input: GatewayInput): Promise<Response> {
  return webResponse(await chatAnswer(input));
}

/**
 * The pipeline's answer as routes return it: JSON text or a chunk source (lib/direct-path.mjs), which
 * the route wrapper hands to scripts/serve.mjs as is, or turns into an ordinary body.
 */
export async function chatAnswer(input: GatewayInput): Promise<Response> {
  if (refusesRequests())
    throw new AppError("unavailable", "This server is shutting down; retry on another instance", {
      headers: { "retry-after": "1" },
    });
  const request = parseWith(chatCompletionRequestSchema, input.body);
  const model = await resolveModelOrThrow(request.model);
  const key = input.principal.key;
  if (key && !keyAllowsModel(key.allowedModels, model.publicId)) {
    throw new AppError("forbidden", `This API key may not use the model '${model.publicId}'`, { param: "model" });
  }
  const models = [
    model,
    ...(await Promise.all(model.fallbacks.map(findModel))).filter(
      (m): m is ResolvedModel => !!m && m.publicId !== model.publicId,
    ),
  ];
  if ((request.n ?? 1) > 1 && models.some((m) => m.provider.kind === "BEDROCK" || m.provider.kind === "OLLAMA")) {
    throw new AppError("validation_error", "n: more than one choice is not supported by this model's provider", {
      param: "n",
    });
  }
  const chars = promptLength(request.messages);
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const [rateHeaders, { reservation, cappedAt }] = await countRejections(async () => {
    const headers = await enforceRateLimits(rateChecks(input.principal, tokensOfLength(chars) + (maxTokens ?? 0)));
    // Without the client's max_tokens, a small balance or quota caps the output rather than refusing (billing/affordable.ts).
    const admitted = await reserveWithinMeans({
      requestId: input.requestId,
      principal: input.principal,
      model: model.publicId,
      models,
      messages: request.messages,
      maxTokens,
      n: request.n ?? 1,
      stream: request.stream === true,
      promptJson: () => promptForHistory(request.messages, sentMessages(input)),
    });
    return [
      admitted.cappedAt === null ? headers : { ...headers, [MAX_TOKENS_CAPPED_HEADER]: String(admitted.cappedAt) },
      admitted,
    ] as const;
  });
  const ctx: GatewayContext = {
    input,
    request,
    forwardBody: withOutputCap(withoutClientRouting(input.body as Record<string, unknown>), cappedAt, model),
    models,
    reservation,
    promptLength: chars,
    startedAt: performance.now(),
    rateHeaders,
  };
  const stream = request.stream === true;
  let opened;
  try {
    opened = await openUpstream({
      models,
      body: ctx.forwardBody,
      native: nativeWithCap(input.format?.native, cappedAt),
      stream,
      clientSignal: input.signal,
      requestId: input.requestId,
    });
  } catch (err) {
    const gone = err instanceof ClientGone;
    recordFailure({
      userId: input.principal.userId,
      provider: model.provider.name,
      reservation,
      status: gone ? "ABORTED" : "ERROR",
      error: gone ? "client disconnected before the answer started" : err instanceof Error ? err.message : String(err),
      model: model.publicId,
      latencyMs: Math.round(performance.now() - ctx.startedAt),
      attempts: err instanceof UpstreamFailure ? err.attempts : 1,
    });
    if (gone) return new Response(null, { status: 499 });
    throw err;
  }
  return "completion" in opened ? completionResponse(ctx, opened) : streamResponse(ctx, opened);
}

/** The format's own request, its output capped as the chat body's is when the caller's means are short. */
function nativeWithCap(native: NativeRequest | undefined, cap: number | null): NativeRequest | undefined {
  if (!native || cap === null) return native;
  return { ...native, body: { ...native.body, max_output_tokens: cap } };
}

/** Counts refusals by limit ("rpm", "balance", "monthly_quota"…) for the metrics, then rethrows. */
export async function countRejections<T>(admit: () => Promise<T>): Promise<T> {
  try {
    return await admit();
  } catch (err) {
    const limit = err instanceof AppError ? err.options.details?.limit : undefined;
    if (typeof limit === "string") rateLimitRejected(limit);
    if (err instanceof AppError) logger.debug({ code: err.code, limit }, "request refused at admission");
    throw err;
  }
}

export function rateChecks(p: GatewayInput["principal"], tokens: number): RateCheck[] {
  const checks: RateCheck[] = [];
  const r = p.rates;
  if (p.key && r.keyRpm) checks.push({ kind: "rpm", scope: "key", id: p.key.id, max: r.keyRpm, cost: 1 });
  if (r.userRpm) checks.push({ kind: "rpm", scope: "user", id: p.userId, max: r.userRpm, cost: 1 });
  if (p.key && r.keyTpm) checks.push({ kind: "tpm", scope: "key", id: p.key.id, max: r.keyTpm, cost: tokens });
  if (r.userTpm) checks.push({ kind: "tpm", scope: "user", id: p.userId, max: r.userTpm, cost: tokens });
  return checks;
}
