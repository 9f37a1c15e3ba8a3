import "server-only";
import { formatMoney } from "@/lib/billing/money";
import { computeCost } from "@/lib/billing/prices";
import { recordOutcome } from "@/lib/billing/recorder";
import type { RequestOutcome, SessionKey } from "@/lib/billing/settle";
import { config } from "@/lib/config";
import { jsonAnswer, streamAnswer } from "@/lib/direct-path.mjs";
import { AppError, openAiErrorBody } from "@/lib/errors";
import { logger } from "@/lib/logging/logger";
import { streamEnded, streamStarted } from "@/lib/metrics/prometheus";
import { once } from "@/lib/once";
import type { StreamChunk } from "@/lib/providers/types";
import { UpstreamError, usageFromOpenAi } from "@/lib/providers/types";
import { trackStream } from "@/lib/shutdown";
import { ReplyAccumulator } from "./accounting";
import { type GatewayContext, sentMessages } from "./context";
import { sessionKeys } from "./conversation";
import { ClientGone, type OpenedCompletion, type OpenedStream } from "./upstream";

const encoder = new TextEncoder();
const DONE = encoder.encode("data: [DONE]\n\n");

function outcome(
  ctx: GatewayContext,
  opened: { model: OpenedStream["model"]; region: string | null; attempts: number },
  acc: ReplyAccumulator,
  extra: {
    status: RequestOutcome["status"];
    error: string | null;
    ttftMs: number | null;
  },
): RequestOutcome {
  const { usage, estimated } = acc.finalUsage(ctx.promptLength);
  return {
    reservation: ctx.reservation,
    principal: ctx.input.principal,
    model: opened.model.publicId,
    providerName: opened.model.provider.name,
    region: opened.region,
    status: extra.status,
    usage,
    usageEstimated: estimated,
    cost: computeCost(opened.model, usage),
    latencyMs: Math.round(performance.now() - ctx.startedAt),
    ttftMs: extra.ttftMs,
    error: extra.error,
    reply: acc.replyForHistory(),
    attempts: opened.attempts,
    finishedAt: new Date(),
    sessionId: ctx.input.sessionId,
    sessionKey: ctx.input.sessionId ? undefined : sessionKeyLater(ctx, acc),
  };
}

/** The session keys, hashed at settlement (settle.ts) from the messages and the reply as they are now. */
function sessionKeyLater(ctx: GatewayContext, acc: ReplyAccumulator): () => SessionKey {
  const { messages } = ctx.request;
  const sent = sentMessages(ctx.input);
  const reply = acc.replyMessage();
  const header = ctx.input.sessionHeader ?? null;
  return once(() => sessionKeys(messages, reply, header, sent));
}

function costHeaders(ctx: GatewayContext, cost: bigint | null): Record<string, string> {
  return {
    ...ctx.rateHeaders,
    "x-request-id": ctx.input.requestId,
    ...(cost !== null ? { "x-tollgate-cost": formatMoney(cost) } : {}),
  };
}

export function completionResponse(ctx: GatewayContext, opened: OpenedCompletion): Response | Promise<Response> {
  const acc = new ReplyAccumulator();
  const completion = opened.completion;
  for (const choice of completion.choices) {
    const message = choice.message as {
      content?: string | null;
      tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: string } }>;
    };
    acc.add({
      choices: [
        {
          index: choice.index,
          delta: {
            content: message.content ?? null,
            tool_calls: message.tool_calls?.map((t, index) => ({ index, id: t.id, function: t.function })),
          },
          finish_reason: choice.finish_reason,
        },
      ],
      usage: completion.usage ?? null,
    });
  }
  if (!acc.usage && acc.text) {
    // No usage from the provider: estimate from the text (marked as estimated on the record).
    acc.contentChunks = Math.max(1, Math.ceil(acc.text.length / 4));
  }
  const result = outcome(ctx, opened, acc, {
    status: "OK",
    error: null,
    ttftMs: Math.round(performance.now() - ctx.startedAt),
  });
  recordOutcome(result);
  const usage = usageFromOpenAi(completion.usage) ?? result.usage;
  const body = {
    ...completion,
    model: opened.model.publicId,
    usage: {
      ...(completion.usage ?? {}),
      prompt_tokens: usage.promptTokens,
      completion_tokens: usage.completionTokens,
      total_tokens: usage.promptTokens + usage.completionTokens,
      cost: formatMoney(result.cost),
    },
  };
  const headers = costHeaders(ctx, result.cost);
  // The JSON text itself (lib/direct-path.mjs): scripts/serve.mjs writes it as is.
  if (!ctx.input.format) return jsonAnswer(JSON.stringify(body), { headers });
  return ctx.input.format
    .completion(body, opened.native)
    .then((formatted) => jsonAnswer(JSON.stringify(formatted), { headers }));
}

/**
 * The upstream's budget between chunks. One timer per stream, re-armed before each wait on the
 * upstream (no timer and promise race per chunk); it counts only while waiting, so a slow client
 * never trips it. When it fires, the upstream call is aborted and the wait fails with the stall at
 * once — whether or not the upstream's iterator answers the abort.
 */
function idleWatch(it: AsyncIterator<StreamChunk[]>, ms: number, abort: (reason: unknown) => void) {
  // The wait in progress, if any (the same two callbacks serve every wait: nothing is made per chunk
  // that lives until the next one but the promise itself).
  let waiting: { resolve(r: IteratorResult<StreamChunk[]>): void; reject(err: unknown): void } | null = null;
  let stalled: UpstreamError | null = null;
  const timer = setTimeout(() => {
    if (!waiting) return;
    stalled = new UpstreamError(`Upstream stalled between chunks: sent nothing for ${ms} ms`, 504, false, "timeout");
    abort(stalled);
    settled()?.reject(stalled);
  }, ms);
  const settled = () => {
    const w = waiting;
    waiting = null;
    return w;
  };
  const onValue = (result: IteratorResult<StreamChunk[]>) => settled()?.resolve(result);
  const onError = (err: unknown) => settled()?.reject(stalled ?? err);
  return {
    next(): Promise<IteratorResult<StreamChunk[]>> {
      if (stalled) return Promise.reject(stalled);
      timer.refresh();
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        it.next().then(onValue, onError);
      });
    },
    stop: () => clearTimeout(timer),
  };
}

const sse = (data: string) => `data: ${data}\n\n`;

/**
 * Relays the upstream stream to the client chunk by chunk as it arrives. The usage chunk (always
 * requested upstream) is passed on with the cost only when the client asked for include_usage.
 * A cut or stalled upstream ends the client's stream with an error event; a client that leaves
 * aborts the upstream call. Either way the request is billed for what was produced.
 */
export function streamResponse(ctx: GatewayContext, opened: OpenedStream): Response {
  const format = ctx.input.format;
  const includeUsage = format !== undefined || ctx.request.stream_options?.include_usage === true;
  const idleMs = config().UPSTREAM_IDLE_TIMEOUT_MS;
  const acc = new ReplyAccumulator();
  let pending: StreamChunk[] | null = opened.first;
  let ttftMs: number | null = null;
  let finished = false;

  const untrack = trackStream((reason) => opened.abort(new UpstreamError(reason.message, 503, false, "network")));
  const upstream = idleWatch(opened.rest, idleMs, opened.abort);
  streamStarted();
  const finish = (status: RequestOutcome["status"], error: string | null) => {
    if (finished) return;
    finished = true;
    upstream.stop();
    untrack();
    streamEnded();
    ctx.input.signal.removeEventListener("abort", onClientAbort);
    recordOutcome(outcome(ctx, opened, acc, { status, error, ttftMs }));
  };
  const onClientAbort = () => {
    opened.abort(new ClientGone());
    finish("ABORTED", "client disconnected");
  };
  ctx.input.signal.addEventListener("abort", onClientAbort, { once: true });

  // The next bytes for the client — every chunk of one upstream batch at once — or null once the stream
  // has ended. A chain of promises, not an async function: with 10,000 slow streams open, an async
  // function's state per chunk lived until the next chunk came, long enough to fill the old generation.
  let ended = false;
  const bytesOf = (batch: StreamChunk[]): Uint8Array | null => {
    if (ttftMs === null) ttftMs = Math.round(performance.now() - ctx.startedAt);
    let out = "";
    for (const item of batch) {
      acc.add(item.chunk);
      if (item.chunk.choices.length === 0 && item.chunk.usage) {
        if (!includeUsage) continue;
        const usage = usageFromOpenAi(item.chunk.usage)!;
        const cost = computeCost(opened.model, usage);
        const priced = { ...item.chunk, usage: { ...item.chunk.usage, cost: formatMoney(cost) } };
        out += format ? format.chunk(priced, item.native, item.raw) : sse(JSON.stringify(priced));
        continue;
      }
      out += format
        ? format.chunk(item.chunk, item.native, item.raw)
        : sse(item.raw ?? JSON.stringify({ ...item.chunk, model: opened.model.publicId }));
    }
    return out ? encoder.encode(out) : null;
  };
  const failed = (err: unknown): Uint8Array | null => {
    ended = true;
    if (finished || err instanceof ClientGone || ctx.input.signal.aborted) {
      finish("ABORTED", "client disconnected");
      return null;
    }
    // The upstream may still be sending (a malformed event, say): stop it rather than read it to its end.
    opened.abort(err);
    const message = err instanceof Error ? err.message : "Upstream failed";
    logger.warn({ requestId: ctx.input.requestId, err: message }, "upstream stream failed mid-way");
    const code = err instanceof UpstreamError && err.kind === "timeout" ? "upstream_timeout" : "upstream_error";
    finish(acc.contentChunks > 0 ? "PARTIAL" : "ERROR", message);
    return encoder.encode(
      format ? format.fail(message, code) : sse(JSON.stringify(openAiErrorBody(new AppError(code, message)))),
    );
  };
  const received = (next: IteratorResult<StreamChunk[]>): Uint8Array | null | Promise<Uint8Array | null> => {
    try {
      if (next.done) {
        ended = true;
        finish("OK", null);
        return format ? format.end().then((text) => encoder.encode(text), failed) : DONE;
      }
      // A batch that gives the client nothing (a usage chunk it did not ask for) is followed by the next.
      return bytesOf(next.value) ?? produce();
    } catch (err) {
      return failed(err);
    }
  };
  const produce = (): Promise<Uint8Array | null> => {
    if (ended) return Promise.resolve(null);
    if (pending) {
      const batch = pending;
      pending = null;
      try {
        const bytes = bytesOf(batch);
        if (bytes) return Promise.resolve(bytes);
      } catch (err) {
        return Promise.resolve(failed(err));
      }
    }
    return upstream.next().then(received, failed);
  };

  const headers = {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
    ...costHeaders(ctx, null),
  };
  // The chunks are produced when asked for (lib/direct-path.mjs); a client leaving cancels, or aborts the request's signal.
  return streamAnswer({ next: produce, cancel: onClientAbort }, { headers });
}
