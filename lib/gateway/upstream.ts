import "server-only";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logging/logger";
import { upstreamErrored } from "@/lib/metrics/prometheus";
import { aiSdkComplete, aiSdkStream } from "@/lib/providers/ai-sdk";
import { bedrockRegions, fixedEndpoint, profileGeography, regionsForModel } from "@/lib/providers/bedrock";
import { responsesComplete, responsesStream } from "@/lib/providers/openai-responses";
import { openAiComplete, openAiStream } from "@/lib/providers/openai-wire";
import type { ChatCompletion, ResolvedModel, StreamChunk, UpstreamCall } from "@/lib/providers/types";
import { UpstreamError } from "@/lib/providers/types";
import type { NativeRequest } from "./format-output";

// Opens the upstream call: the model's provider first, retried with backoff on 429/5xx/network
// errors and time-outs before anything reached the client, then each fallback model in order.
// Bedrock requests rotate over the configured regions and fail over to the next on each retry; an
// error that belongs to one region (model access, availability) moves on to the next region at once.
// A request in a format the model's provider speaks itself (the Responses API on OpenAI) is sent in
// that format, per attempt: a fallback on another kind of provider gets the chat-completions body.

/**
 * The client left: the reason its upstream call is aborted. It carries no stack: there is no fault
 * to trace, and a stack cost each leaving client ~70 µs (bench/README.md, open streams): captured
 * here, then formatted by Next.js's source-mapping hook when Node's stream `destroy` reads `err.stack`.
 */
export class ClientGone extends Error {
  constructor() {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super("client disconnected");
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = "ClientGone";
  }
}

/** Every attempt failed: what the client is told, and how many upstream calls it took. */
export class UpstreamFailure extends AppError {
  constructor(
    error: AppError,
    readonly attempts: number,
  ) {
    super(error.code, error.message, error.options);
  }
}

export type OpenedStream = {
  model: ResolvedModel;
  region: string | null;
  attempts: number;
  /** The first batch of chunks (those that arrived together), then the rest batch by batch. */
  first: StreamChunk[] | null;
  rest: AsyncIterator<StreamChunk[]>;
  abort: (reason?: unknown) => void;
};

export type OpenedCompletion = {
  model: ResolvedModel;
  region: string | null;
  attempts: number;
  completion: ChatCompletion;
  /** The upstream's own answer, when it was sent the client's format natively. */
  native?: Record<string, unknown>;
};

type Opened<T> = T extends true ? OpenedStream : OpenedCompletion;

const globalForRegions = globalThis as unknown as { tollgateRegionCursor?: number };

/**
 * The regions to try a Bedrock model in, rotated so requests spread over them: the provider's, the
 * admin's setting or the environment's, narrowed to the geography of an inference profile
 * (`us.`, `eu.`, `apac.`…) and to one region when the endpoint is a fixed URL without `{region}`.
 */
export async function regionsFor(model: ResolvedModel): Promise<Array<string | undefined> | UpstreamError> {
  if (model.provider.kind !== "BEDROCK") return [undefined];
  const configured = await bedrockRegions(model.provider);
  let list = regionsForModel(model.upstreamId, configured);
  if (list.length === 0) {
    const geo = profileGeography(model.upstreamId);
    return new UpstreamError(
      `Upstream ${model.provider.name}: '${model.upstreamId}' is a ${geo} inference profile, and none of the regions configured (${configured.join(", ")}) is in its geography`,
      400,
      false,
    );
  }
  if (fixedEndpoint(model.provider)) list = list.slice(0, 1);
  const start =
    (globalForRegions.tollgateRegionCursor = ((globalForRegions.tollgateRegionCursor ?? -1) + 1) % 1_000_000) %
    list.length;
  return [...list.slice(start), ...list.slice(0, start)];
}

export function backoffMs(attempt: number): number {
  return Math.min(2_000, 100 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), reject(new ClientGone())), { once: true });
  });
}

export async function openUpstream<S extends boolean>(input: {
  models: ResolvedModel[];
  body: Record<string, unknown>;
  /** The client's own format, for the providers that speak it. */
  native?: NativeRequest;
  stream: S;
  clientSignal: AbortSignal;
  requestId: string;
}): Promise<Opened<S>> {
  const cfg = config();
  const maxRetries = cfg.UPSTREAM_MAX_RETRIES;
  let attempts = 0;
  let last: UpstreamError | null = null;
  for (const model of input.models) {
    const regions = await regionsFor(model);
    if (regions instanceof UpstreamError) {
      last = regions;
      logger.warn(
        { requestId: input.requestId, model: model.publicId, reason: regions.message },
        "model skipped: no region can serve it",
      );
      continue;
    }
    let retry = 0;
    let at = 0;
    let nextRegionNow = false;
    for (;;) {
      if (input.clientSignal.aborted) throw new ClientGone();
      if (attempts > 0 && !nextRegionNow) await sleep(backoffMs(retry), input.clientSignal);
      const region = regions[at % regions.length] ?? null;
      attempts++;
      try {
        const started = performance.now();
        const opened = await attempt(model, region, input, cfg.UPSTREAM_TTFT_TIMEOUT_MS);
        logger.debug(
          {
            requestId: input.requestId,
            model: model.publicId,
            provider: model.provider.name,
            region,
            attempt: attempts,
            openMs: Math.round(performance.now() - started),
          },
          "upstream attempt opened",
        );
        return { ...opened, attempts } as Opened<S>;
      } catch (err) {
        if (err instanceof ClientGone || input.clientSignal.aborted) throw new ClientGone();
        if (!(err instanceof UpstreamError)) throw err;
        last = err;
        logger.warn(
          {
            requestId: input.requestId,
            model: model.publicId,
            region,
            status: err.status,
            attempt: attempts,
            reason: err.message,
          },
          "upstream attempt failed",
        );
        upstreamErrored(
          model.provider.name,
          err.kind === "status"
            ? err.status === 429
              ? "http_429"
              : err.status >= 500
                ? "http_5xx"
                : "http_4xx"
            : err.kind,
        );
        // The model is not offered (or not enabled) in this region: its other regions first, at once.
        nextRegionNow = err.regional && at + 1 < regions.length;
        if (nextRegionNow) {
          at++;
          continue;
        }
        if (!err.retryable || retry >= maxRetries) break; // a 4xx will not get better by retrying; maybe a fallback takes it
        retry++;
        at++;
      }
    }
  }
  throw new UpstreamFailure(toClientError(last, attempts), attempts);
}

async function attempt(
  model: ResolvedModel,
  region: string | null,
  input: { body: Record<string, unknown>; native?: NativeRequest; stream: boolean; clientSignal: AbortSignal },
  ttftMs: number,
): Promise<Omit<OpenedStream, "attempts"> | Omit<OpenedCompletion, "attempts">> {
  const controller = new AbortController();
  const onClientAbort = () => controller.abort(new ClientGone());
  input.clientSignal.addEventListener("abort", onClientAbort, { once: true });
  // One budget for the first token; the message says which step hung, so records tell them apart.
  let phase: "headers" | "first chunk" = "headers";
  const timer = setTimeout(() => {
    const what = phase === "headers" ? "no response headers" : "no first chunk after its headers";
    controller.abort(
      new UpstreamError(`Upstream ${model.provider.name} sent ${what} within ${ttftMs} ms`, 504, true, "timeout"),
    );
  }, ttftMs);
  const native = input.native && model.provider.kind === "OPENAI" ? input.native : undefined;
  const call: UpstreamCall = {
    model,
    body: { ...(native?.body ?? input.body), model: model.upstreamId },
    signal: controller.signal,
    region: region ?? undefined,
  };
  const wire = native
    ? { complete: responsesComplete, stream: responsesStream }
    : model.provider.kind === "OPENAI" || model.provider.kind === "OPENAI_COMPATIBLE"
      ? { complete: openAiComplete, stream: openAiStream }
      : { complete: aiSdkComplete, stream: aiSdkStream };
  try {
    if (!input.stream) {
      const { completion, native: answer } = await wire.complete(call);
      return { model, region, completion, native: answer };
    }
    const { batches } = await wire.stream(call);
    phase = "first chunk";
    const rest = batches[Symbol.asyncIterator]();
    const first = await rest.next();
    return {
      model,
      region,
      first: first.done ? null : first.value,
      rest,
      abort: (reason?: unknown) => controller.abort(reason),
    };
  } catch (err) {
    const reason = controller.signal.reason;
    if (controller.signal.aborted && (reason instanceof UpstreamError || reason instanceof ClientGone)) throw reason;
    // A failed attempt may leave the upstream still sending (a malformed first event, say): stop it.
    controller.abort(err);
    throw err;
  } finally {
    clearTimeout(timer);
    input.clientSignal.removeEventListener("abort", onClientAbort);
  }
}

export function toClientError(err: UpstreamError | null, attempts: number): AppError {
  const suffix = attempts > 1 ? ` (after ${attempts} attempts)` : "";
  if (!err) return new AppError("no_provider", "No upstream could take this request");
  if (err.kind === "timeout") return new AppError("upstream_timeout", `${err.message}${suffix}`);
  if (err.status === 429)
    return new AppError("rate_limited", `The model's provider is rate limiting${suffix}; retry shortly`, {
      headers: { "retry-after": "5" },
    });
  if (err.status === 400 || err.status === 413 || err.status === 422) return new AppError("bad_request", err.message);
  return new AppError("upstream_error", `${err.message}${suffix}`);
}
