// OpenAI's Responses API (POST /v1/responses): a response object, or the typed event stream
// (response.created … response.completed with usage). The reply and token counts follow the shared
// rules of directives.mjs, so a request answers here exactly as the same conversation does on chat
// completions; delay, headers-delay, ttft, idle, chunks, fail, cut, garble, nousage and tool apply
// as there, and streamfail=STATUS sends OpenAI's `error` event after streamfail-at content events.
// Nothing is stored: a previous_response_id gets OpenAI's 404 for an id it does not know.
import { planReply, promptTokens, TOOL_ARG_PIECES, TOOL_ARGS } from "./directives.mjs";

const textOf = (content) =>
  typeof content === "string"
    ? content
    : Array.isArray(content)
      ? content
          .map((p) => p?.text ?? p?.refusal)
          .filter((t) => typeof t === "string")
          .join(" ")
      : "";

/** The request as the shared rules read a conversation: instructions first, then each input item. */
function conversation(body) {
  const conv = typeof body.instructions === "string" ? [{ role: "system", text: body.instructions }] : [];
  const input = typeof body.input === "string" ? [{ role: "user", content: body.input }] : (body.input ?? []);
  for (const item of Array.isArray(input) ? input : []) {
    if (item?.type === "reasoning") continue;
    if (item?.type === "function_call") conv.push({ role: "assistant", text: "" });
    else if (item?.type === "function_call_output") conv.push({ role: "tool", text: textOf(item.output) });
    else conv.push({ role: item?.role, text: textOf(item?.content) });
  }
  return conv;
}

function usageOf(input, output) {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

export async function create(ctx, d) {
  const body = ctx.body ?? {};
  if (body.previous_response_id) {
    return ctx.json(404, {
      error: {
        message: `Previous response with id '${body.previous_response_id}' not found.`,
        type: "invalid_request_error",
        param: "previous_response_id",
        code: "previous_response_not_found",
      },
    });
  }
  const conv = conversation(body);
  const tools = (Array.isArray(body.tools) ? body.tools : []).map((t) => t?.name).filter(Boolean);
  const plan = planReply(conv, d, tools);
  const prompt = promptTokens(conv);
  const id = `resp_fake_${ctx.entry.id}`;
  const messageId = `msg_fake_${ctx.entry.id}`;
  const callItem = (args, status) => ({
    type: "function_call",
    id: `fc_fake_${ctx.entry.id}`,
    call_id: "call_1",
    name: plan.name,
    arguments: args,
    status,
  });
  const messageItem = (text, status) => ({
    type: "message",
    id: messageId,
    status,
    role: "assistant",
    content: text === null ? [] : [{ type: "output_text", text, annotations: [] }],
  });
  const response = (status, output, usage) => ({
    id,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    store: body.store !== false,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: body.tools ?? [],
    top_p: 1,
    truncation: "disabled",
    usage,
    metadata: body.metadata ?? {},
  });

  if (!body.stream) {
    await ctx.sleep(d.ttft);
    ctx.served(prompt, plan.tokens, plan.tokens);
    const output = [
      plan.kind === "tool" ? callItem(JSON.stringify(TOOL_ARGS), "completed") : messageItem(plan.text, "completed"),
    ];
    if (!d.nousage) ctx.reported(prompt, plan.tokens);
    return ctx.json(200, response("completed", output, d.nousage ? null : usageOf(prompt, plan.tokens)));
  }

  let seq = 0;
  const event = (type, data) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
  // One content event: counted, then the cut, garble and stream failure directives checked after it.
  const content = async (text) => {
    if (ctx.entry.chunksSent > 0) await ctx.sleep(d.idle);
    await ctx.send(text, 1);
    if (ctx.shouldCut(d)) return (ctx.cut(), false);
    if (d.garble != null && ctx.entry.chunksSent === d.garble) await ctx.send("event: x\ndata: {malformed\n\n");
    if (d.streamFail != null && ctx.entry.chunksSent === d.streamFailAt) {
      const error = { code: "server_error", message: `fake stream failure ${d.streamFail}`, param: null };
      if (d.failedEvent)
        await ctx.send(event("response.failed", { response: { ...response("failed", [], null), error } }));
      else await ctx.send(event("error", error));
      return (ctx.end(), false);
    }
    return true;
  };

  ctx.startStream(200, "text/event-stream; charset=utf-8");
  ctx.served(prompt, 0, 0);
  await ctx.sleep(d.ttft);
  if (d.garble === 0) await ctx.send("event: x\ndata: {malformed\n\n");
  await ctx.send(event("response.created", { response: response("in_progress", [], null) }));
  await ctx.send(event("response.in_progress", { response: response("in_progress", [], null) }));
  let item;
  if (plan.kind === "tool") {
    if (!(await content(event("response.output_item.added", { output_index: 0, item: callItem("", "in_progress") }))))
      return;
    for (const piece of TOOL_ARG_PIECES) {
      const delta = { item_id: `fc_fake_${ctx.entry.id}`, output_index: 0, delta: piece };
      if (!(await content(event("response.function_call_arguments.delta", delta)))) return;
    }
    if (d.cut != null) return ctx.cut();
    item = callItem(JSON.stringify(TOOL_ARGS), "completed");
    await ctx.send(
      event("response.function_call_arguments.done", { item_id: item.id, output_index: 0, arguments: item.arguments }),
    );
  } else {
    await ctx.send(event("response.output_item.added", { output_index: 0, item: messageItem(null, "in_progress") }));
    const part = { type: "output_text", text: "", annotations: [] };
    const at = { item_id: messageId, output_index: 0, content_index: 0 };
    await ctx.send(event("response.content_part.added", { ...at, part }));
    for (const word of plan.words) {
      if (!(await content(event("response.output_text.delta", { ...at, delta: word, logprobs: [] })))) return;
    }
    if (d.cut != null) return ctx.cut();
    const text = plan.text;
    await ctx.send(event("response.output_text.done", { ...at, text, logprobs: [] }));
    await ctx.send(event("response.content_part.done", { ...at, part: { ...part, text } }));
    item = messageItem(text, "completed");
  }
  await ctx.send(event("response.output_item.done", { output_index: 0, item }));
  const completion = ctx.entry.usage.completion;
  const usage = d.nousage ? null : usageOf(prompt, completion);
  if (usage) ctx.reported(prompt, completion);
  await ctx.send(event("response.completed", { response: response("completed", [item], usage) }));
  ctx.end();
}
