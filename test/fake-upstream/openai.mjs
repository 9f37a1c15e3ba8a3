// OpenAI-compatible chat completions (+ model list).
import { planReply, promptTokens, TOOL_ARG_PIECES, TOOL_ARGS } from "./directives.mjs";

export const OPENAI_MODELS = ["fake-model", "fake-vision"];

export function openaiError(status, message, type = "server_error", code = null) {
  return { error: { message, type, code } };
}

export function listModels(ctx) {
  const created = Math.floor(ctx.state.startedAt / 1000);
  ctx.json(200, {
    object: "list",
    data: OPENAI_MODELS.map((id) => ({ id, object: "model", created, owned_by: "fake" })),
  });
}

export function getModel(ctx, id) {
  if (!OPENAI_MODELS.includes(id)) {
    return ctx.json(
      404,
      openaiError(404, `The model '${id}' does not exist`, "invalid_request_error", "model_not_found"),
    );
  }
  ctx.json(200, { id, object: "model", created: Math.floor(ctx.state.startedAt / 1000), owned_by: "fake" });
}

function contentText(content) {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .filter((p) => p && typeof p.text === "string")
      .map((p) => p.text)
      .join(" ");
  }
  return "";
}

export async function chatCompletions(ctx, d) {
  const body = ctx.body ?? {};
  const conv = (Array.isArray(body.messages) ? body.messages : []).map((m) => ({
    role: m?.role,
    text: contentText(m?.content),
  }));
  const toolNames = (Array.isArray(body.tools) ? body.tools : []).map((t) => t?.function?.name).filter(Boolean);
  const plan = planReply(conv, d, toolNames);
  const prompt = promptTokens(conv);
  const n = Math.min(Math.max(Number.isInteger(body.n) ? body.n : 1, 1), 16);
  const model = body.model;
  const id = `chatcmpl-fake-${ctx.entry.id}`;
  const created = Math.floor(Date.now() / 1000);
  const finishReason = plan.kind === "tool" ? "tool_calls" : "stop";
  const indexes = Array.from({ length: n }, (_, i) => i);

  if (!body.stream) {
    await ctx.sleep(d.ttft);
    const message =
      plan.kind === "tool"
        ? {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "call_1", type: "function", function: { name: plan.name, arguments: JSON.stringify(TOOL_ARGS) } },
            ],
          }
        : { role: "assistant", content: plan.text };
    const completion = n * plan.tokens;
    ctx.served(prompt, completion, completion);
    const res = {
      id,
      object: "chat.completion",
      created,
      model,
      choices: indexes.map((index) => ({ index, message, logprobs: null, finish_reason: finishReason })),
    };
    if (d.zeroUsage) res.usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    else if (!d.nousage) {
      res.usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
      ctx.reported(prompt, completion);
    }
    return ctx.json(200, res);
  }

  const includeUsage = body.stream_options?.include_usage === true && !d.nousage;
  const sse = (obj) => `data: ${JSON.stringify(obj)}\n\n`;
  const chunk = (choices, extra = {}) => ({ id, object: "chat.completion.chunk", created, model, choices, ...extra });
  const deltas =
    plan.kind === "tool"
      ? [
          { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: plan.name, arguments: "" } }] },
          ...TOOL_ARG_PIECES.map((a) => ({ tool_calls: [{ index: 0, function: { arguments: a } }] })),
        ]
      : plan.words.map((w) => ({ content: w }));

  ctx.startStream(200, "text/event-stream; charset=utf-8");
  ctx.served(prompt, 0, 0);
  await ctx.sleep(d.ttft);
  if (d.garble === 0) await ctx.send("data: {malformed\n\n");
  await ctx.send(
    sse(chunk(indexes.map((index) => ({ index, delta: { role: "assistant", content: "" }, finish_reason: null })))),
  );
  if (ctx.shouldCut(d)) return ctx.cut();
  for (const delta of deltas) {
    for (const index of indexes) {
      if (ctx.entry.chunksSent > 0) await ctx.sleep(d.idle);
      await ctx.send(sse(chunk([{ index, delta, finish_reason: null }])), 1);
      if (ctx.shouldCut(d)) return ctx.cut();
      if (d.garble != null && ctx.entry.chunksSent === d.garble) await ctx.send("data: {malformed\n\n");
    }
  }
  if (d.cut != null) return ctx.cut();
  await ctx.sleep(d.idle);
  await ctx.send(sse(chunk(indexes.map((index) => ({ index, delta: {}, finish_reason: finishReason })))));
  if (includeUsage && d.zeroUsage) {
    await ctx.send(sse(chunk([], { usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } })));
  } else if (includeUsage) {
    const completion = ctx.entry.usage.completion;
    await ctx.send(
      sse(
        chunk([], {
          usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
        }),
      ),
    );
    ctx.reported(prompt, completion);
  }
  await ctx.send("data: [DONE]\n\n");
  ctx.end();
}
