// Amazon Bedrock Converse: POST /model/{modelId}/converse and /converse-stream.
// Signatures are not validated.
import { planReply, promptTokens, TOOL_ARGS, TOOL_ARG_PIECES } from "./directives.mjs";
import { encodeEventStreamMessage } from "./eventstream.mjs";

export function bedrockErrorType(status) {
  if (status === 429) return "ThrottlingException";
  if (status >= 500) return "InternalServerException";
  if (status === 401 || status === 403) return "AccessDeniedException";
  if (status === 404) return "ResourceNotFoundException";
  return "ValidationException";
}

export function bedrockError(ctx, status, message = "fake failure") {
  ctx.json(status, { message }, { "x-amzn-ErrorType": bedrockErrorType(status) });
}

function blockText(block) {
  if (typeof block?.text === "string") return block.text;
  if (block?.toolResult) {
    return (block.toolResult.content ?? [])
      .map((c) => (typeof c?.text === "string" ? c.text : c?.json !== undefined ? JSON.stringify(c.json) : ""))
      .join(" ");
  }
  return "";
}

function conversation(body) {
  const conv = (Array.isArray(body.system) ? body.system : []).map((b) => ({ role: "system", text: blockText(b) }));
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    const blocks = Array.isArray(m?.content) ? m.content : [];
    // Bedrock carries tool results inside user messages; treat them as tool turns.
    const role = blocks.some((b) => b?.toolResult) ? "tool" : m?.role;
    conv.push({ role, text: blocks.map(blockText).filter(Boolean).join(" ") });
  }
  return conv;
}

export async function converse(ctx, d, streaming) {
  const body = ctx.body ?? {};
  const conv = conversation(body);
  const toolNames = (body.toolConfig?.tools ?? []).map((t) => t?.toolSpec?.name).filter(Boolean);
  const plan = planReply(conv, d, toolNames);
  const prompt = promptTokens(conv);
  const stopReason = plan.kind === "tool" ? "tool_use" : "end_turn";
  const usage = (completion) => ({ inputTokens: prompt, outputTokens: completion, totalTokens: prompt + completion });
  const metrics = () => ({ latencyMs: Date.now() - ctx.entry.receivedAt });

  if (!streaming) {
    await ctx.sleep(d.ttft);
    const content = plan.kind === "tool"
      ? [{ toolUse: { toolUseId: "tooluse_1", name: plan.name, input: TOOL_ARGS } }]
      : [{ text: plan.text }];
    ctx.served(prompt, plan.tokens, plan.tokens);
    const res = { output: { message: { role: "assistant", content } }, stopReason, metrics: metrics() };
    if (!d.nousage) {
      res.usage = usage(plan.tokens);
      ctx.reported(prompt, plan.tokens);
    }
    return ctx.json(200, res);
  }

  const ev = (type, payload) =>
    encodeEventStreamMessage({ ":event-type": type, ":content-type": "application/json", ":message-type": "event" }, payload);
  const events = plan.kind === "tool"
    ? [
        ev("contentBlockStart", { contentBlockIndex: 0, start: { toolUse: { toolUseId: "tooluse_1", name: plan.name } } }),
        ...TOOL_ARG_PIECES.map((input) => ev("contentBlockDelta", { contentBlockIndex: 0, delta: { toolUse: { input } } })),
      ]
    : plan.words.map((text) => ev("contentBlockDelta", { contentBlockIndex: 0, delta: { text } }));

  ctx.startStream(200, "application/vnd.amazon.eventstream");
  ctx.served(prompt, 0, 0);
  await ctx.sleep(d.ttft);
  await ctx.send(ev("messageStart", { role: "assistant" }));
  if (ctx.shouldCut(d)) return ctx.cut();
  for (const e of events) {
    if (ctx.entry.chunksSent > 0) await ctx.sleep(d.idle);
    await ctx.send(e, 1);
    if (ctx.shouldCut(d)) return ctx.cut();
  }
  if (d.cut != null) return ctx.cut();
  await ctx.sleep(d.idle);
  await ctx.send(ev("contentBlockStop", { contentBlockIndex: 0 }));
  await ctx.send(ev("messageStop", { stopReason }));
  if (!d.nousage) {
    const completion = ctx.entry.usage.completion;
    await ctx.send(ev("metadata", { usage: usage(completion), metrics: metrics() }));
    ctx.reported(prompt, completion);
  }
  ctx.end();
}
