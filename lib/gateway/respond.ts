import "server-only";
import { formatMoney } from "@/lib/billing/money";
import { computeCost } from "@/lib/billing/prices";
import { recordOutcome } from "@/lib/billing/recorder";
import type { RequestOutcome, SessionKey } from "@/lib/billing/settle";
import { config } from "@/lib/config";
import { type ChunkSink, jsonAnswer, type PushSource, streamAnswer } from "@/lib/direct-path.mjs";
import { AppError, openAiErrorBody } from "@/lib/errors";
import { logger } from "@/lib/logging/logger";
import { streamEnded, streamStarted } from "@/lib/metrics/prometheus";
import { once } from "@/lib/once";
import { type BatchListener, listenTo } from "@/lib/providers/http";
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
function sessionKeyLater(ctx: GatewayContext, acc: ReplyAccumulator): () => Promise<SessionKey> {
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

const sse = (data: string) => `data: ${data}\n\n`;

/** Whether `b`'s bytes start where `a`'s end, in the same memory. */
const followedBy = (a: Uint8Array, b: Uint8Array) =>
  a.buffer === b.buffer && a.byteOffset + a.byteLength === b.byteOffset;
/** `a` and the `b` that follows it, as one view (no copy). */
const joined = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength + b.byteLength);

/**
 * Relays the upstream stream to the client chunk by chunk as it arrives. The usage chunk (always
 * requested upstream) is passed on with the cost only when the client asked for include_usage.
 * A cut or stalled upstream ends the client's stream with an error event; a client that leaves
 * aborts the upstream call. Either way the request is billed for what was produced.
 *
 * Pushed, not pulled (lib/direct-path.mjs): each upstream batch goes to the client's sink as it
 * comes, with no promise waiting per chunk in any layer (a reader that pulls gets a pull over it).
 * The upstream's budget between chunks is one timer per stream, re-armed at each batch; it counts
 * only while the client takes what it is given, so a slow client never trips it. When it fires, the
 * upstream call is aborted and the stream fails with the stall at once, whatever the upstream does.
 */
export function streamResponse(ctx: GatewayContext, opened: OpenedStream): Response {
  const format = ctx.input.format;
  const includeUsage = format !== undefined || ctx.request.stream_options?.include_usage === true;
  const idleMs = config().UPSTREAM_IDLE_TIMEOUT_MS;
  const acc = new ReplyAccumulator();
  let ttftMs: number | null = null;
  let finished = false;
  // The client's side, once it listens (`held` while it asked for a pause), and the upstream's.
  let sink: ChunkSink | null = null;
  let held = false;
  let ended = false;
  let upstream: { resume(): void } | null = null;
  const stallTimer = setTimeout(() => {
    if (held || ended || !sink) return;
    fail(new UpstreamError(`Upstream stalled between chunks: sent nothing for ${idleMs} ms`, 504, false, "timeout"));
  }, idleMs);

  const untrack = trackStream((reason) => opened.abort(new UpstreamError(reason.message, 503, false, "network")));
  streamStarted();
  const finish = (status: RequestOutcome["status"], error: string | null) => {
    if (finished) return;
    finished = true;
    clearTimeout(stallTimer);
    untrack();
    streamEnded();
    ctx.input.signal.removeEventListener("abort", onClientAbort);
    recordOutcome(outcome(ctx, opened, acc, { status, error, ttftMs }));
  };
  const onClientAbort = () => {
    opened.abort(new ClientGone());
    finish("ABORTED", "client disconnected");
    // A reader still waiting hears the end (one that left hears nothing more).
    if (ended) return;
    ended = true;
    sink?.end();
  };
  ctx.input.signal.addEventListener("abort", onClientAbort, { once: true });

  /**
   * What a batch becomes on the wire, in order: runs of the upstream's own events as they came (no
   * format, not the usage chunk: bytes that follow each other in memory become one view), and the
   * text of the rest, encoded.
   */
  const piecesOf = (batch: StreamChunk[]): Uint8Array[] => {
    if (ttftMs === null) ttftMs = Math.round(performance.now() - ctx.startedAt);
    const pieces: Uint8Array[] = [];
    let out = "";
    let run: Uint8Array | null = null;
    for (const item of batch) {
      acc.addEvent(item);
      let text: string;
      if (item.content === undefined && item.chunk.choices.length === 0 && item.chunk.usage) {
        if (!includeUsage) continue;
        const usage = usageFromOpenAi(item.chunk.usage)!;
        const cost = computeCost(opened.model, usage);
        const priced = { ...item.chunk, usage: { ...item.chunk.usage, cost: formatMoney(cost) } };
        text = format ? format.chunk(priced, item.native, item.raw) : sse(JSON.stringify(priced));
      } else if (!format && item.bytes) {
        if (out) pieces.push(encoder.encode(out));
        out = "";
        if (run && followedBy(run, item.bytes)) run = joined(run, item.bytes);
        else {
          if (run) pieces.push(run);
          run = item.bytes;
        }
        continue;
      } else {
        text = format
          ? format.chunk(item.chunk, item.native, item.raw)
          : sse(item.raw ?? JSON.stringify({ ...item.chunk, model: opened.model.publicId }));
      }
      if (run) pieces.push(run);
      run = null;
      out += text;
    }
    if (run) pieces.push(run);
    if (out) pieces.push(encoder.encode(out));
    return pieces;
  };
  /** The stream's last bytes once it failed (its error event), or null when the client already left. */
  const failedBytes = (err: unknown): Uint8Array | null => {
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

  const write = (bytes: Uint8Array) => {
    if (!sink!.data(bytes)) held = true;
  };
  const close = (last: Uint8Array | null) => {
    ended = true;
    if (last) write(last);
    sink!.end();
  };
  const fail = (err: unknown) => {
    if (ended) return;
    ended = true;
    close(failedBytes(err));
  };
  // The listener runs in the upstream's and the socket's event handlers: a failure of its own (not
  // the upstream's) must not escape there. The stream ends, the upstream is stopped, the record written.
  const broke = (err: unknown) => {
    logger.error(
      { requestId: ctx.input.requestId, err: err instanceof Error ? err.message : err },
      "stream relay failed",
    );
    ended = true;
    try {
      opened.abort(err);
      finish(acc.contentChunks > 0 ? "PARTIAL" : "ERROR", "stream relay failed");
      sink?.end();
    } catch {
      // nothing more can be done for this stream
    }
  };
  const listener: BatchListener<StreamChunk> = {
    batch(items) {
      if (ended) return false;
      stallTimer.refresh();
      try {
        let pieces: Uint8Array[];
        try {
          pieces = piecesOf(items);
        } catch (err) {
          fail(err);
          return false;
        }
        for (const piece of pieces) write(piece);
      } catch (err) {
        broke(err);
        return false;
      }
      return !held;
    },
    end() {
      if (ended) return;
      ended = true;
      try {
        finish("OK", null);
        if (!format) return close(DONE);
        format
          .end()
          .then(
            (text) => close(encoder.encode(text)),
            (err) => close(failedBytes(err)),
          )
          .catch(broke);
      } catch (err) {
        broke(err);
      }
    },
    fail(err) {
      try {
        fail(err);
      } catch (e) {
        broke(e);
      }
    },
  };

  const start = () => {
    stallTimer.refresh();
    upstream = listenTo(opened.rest, listener);
  };
  const source: PushSource = {
    listen(to) {
      sink = to;
      // The first batch (those that came with the headers), then the rest as it comes — once the
      // client takes more: nothing is read from the upstream ahead of a reader that pulls.
      if (opened.first) listener.batch(opened.first);
      if (!ended && !held) start();
    },
    resume() {
      held = false;
      if (ended) return;
      if (!upstream) return start();
      stallTimer.refresh();
      upstream.resume();
    },
    // A client leaving cancels, or aborts the request's signal.
    cancel: onClientAbort,
  };

  const headers = {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    "x-accel-buffering": "no",
    ...costHeaders(ctx, null),
  };
  return streamAnswer(source, { headers });
}
