// Ollama native API: /api/chat, /api/tags, /api/pull, /api/delete, /api/show.
import { createHash } from "node:crypto";
import { planReply, promptTokens, TOOL_ARGS } from "./directives.mjs";

export const INITIAL_OLLAMA_MODELS = ["llama3.2:latest"];
const TOTAL = 1_000_000;
const PULL_STEPS = 5;

const sha = (s) => createHash("sha256").update(s).digest("hex");
/** `llama3.2` -> `llama3.2:latest` */
export const normalizeName = (name) => {
  const s = String(name ?? "");
  return s.includes(":") ? s : `${s}:latest`;
};
const details = () => ({
  parent_model: "",
  format: "gguf",
  family: "llama",
  families: ["llama"],
  parameter_size: "3B",
  quantization_level: "Q4_K_M",
});
const nameOf = (body) => body?.model ?? body?.name;

export function tags(ctx) {
  const models = [...ctx.state.ollamaModels.entries()].map(([name, modifiedAt]) => ({
    name,
    model: name,
    modified_at: new Date(modifiedAt).toISOString(),
    size: 2_019_393_189,
    digest: sha(name),
    details: details(),
  }));
  ctx.json(200, { models });
}

export function show(ctx) {
  const name = normalizeName(nameOf(ctx.body));
  if (!ctx.state.ollamaModels.has(name)) return ctx.json(404, { error: `model '${nameOf(ctx.body)}' not found` });
  ctx.json(200, {
    license: "",
    modelfile: `FROM ${name}`,
    parameters: "",
    template: "{{ .Prompt }}",
    details: details(),
    model_info: {},
    capabilities: ["completion", "tools"],
    modified_at: new Date(ctx.state.ollamaModels.get(name)).toISOString(),
  });
}

export function remove(ctx) {
  const raw = nameOf(ctx.body);
  const name = normalizeName(raw);
  if (!ctx.state.ollamaModels.delete(name)) return ctx.json(404, { error: `model '${raw}' not found` });
  ctx.status(200);
}

export async function pull(ctx) {
  const raw = nameOf(ctx.body);
  const name = normalizeName(raw);
  if (!raw || String(raw).includes("missing")) {
    return ctx.json(404, { error: "pull model manifest: file does not exist" });
  }
  const stream = ctx.body?.stream !== false;
  const stepDelay = ctx.state.behavior.pullStepDelayMs ?? ctx.state.options.pullStepDelayMs ?? 50;
  const digest = `sha256:${sha(name)}`;
  const line = (o) => `${JSON.stringify(o)}\n`;
  if (stream) ctx.startStream(200, "application/x-ndjson");
  const emit = (o) => (stream ? ctx.send(line(o)) : undefined);
  await emit({ status: "pulling manifest" });
  for (let k = 1; k <= PULL_STEPS; k++) {
    await ctx.sleep(stepDelay);
    await emit({ status: `pulling ${sha(name).slice(0, 12)}`, digest, total: TOTAL, completed: (TOTAL * k) / PULL_STEPS });
  }
  await emit({ status: "verifying sha256 digest" });
  await emit({ status: "writing manifest" });
  ctx.state.ollamaModels.set(name, Date.now());
  if (stream) {
    await emit({ status: "success" });
    ctx.end();
  } else {
    ctx.json(200, { status: "success" });
  }
}

export async function chat(ctx, d) {
  const body = ctx.body ?? {};
  const model = body.model;
  if (d.base.includes("missing")) {
    return ctx.json(404, { error: `model "${model}" not found, try pulling it first` });
  }
  const conv = (Array.isArray(body.messages) ? body.messages : []).map((m) => ({
    role: m?.role,
    text: typeof m?.content === "string" ? m.content : "",
  }));
  const toolNames = (Array.isArray(body.tools) ? body.tools : []).map((t) => t?.function?.name).filter(Boolean);
  const plan = planReply(conv, d, toolNames);
  const prompt = promptTokens(conv);
  const started = process.hrtime.bigint();
  const toolCalls = plan.kind === "tool" ? [{ function: { name: plan.name, arguments: TOOL_ARGS } }] : undefined;
  const head = () => ({ model, created_at: new Date().toISOString() });
  const final = (content, completion, extra = {}) => {
    const out = {
      ...head(),
      message: { role: "assistant", content, ...extra },
      done: true,
      done_reason: "stop",
      total_duration: Number(process.hrtime.bigint() - started),
      load_duration: 1_000_000,
    };
    if (!d.nousage) {
      Object.assign(out, {
        prompt_eval_count: prompt,
        prompt_eval_duration: 1_000_000,
        eval_count: completion,
        eval_duration: 1_000_000 * Math.max(completion, 1),
      });
      ctx.reported(prompt, completion);
    }
    return out;
  };

  if (body.stream === false) {
    await ctx.sleep(d.ttft);
    ctx.served(prompt, plan.tokens, plan.kind === "tool" ? 1 : plan.tokens);
    const res = plan.kind === "tool" ? final("", plan.tokens, { tool_calls: toolCalls }) : final(plan.text, plan.tokens);
    return ctx.json(200, res);
  }

  const line = (o) => `${JSON.stringify(o)}\n`;
  ctx.startStream(200, "application/x-ndjson");
  ctx.served(prompt, 0, 0);
  await ctx.sleep(d.ttft);
  if (ctx.shouldCut(d)) return ctx.cut();
  if (plan.kind === "tool") {
    await ctx.send(line({ ...head(), message: { role: "assistant", content: "", tool_calls: toolCalls }, done: false }), 1, plan.tokens);
  } else {
    for (const word of plan.words) {
      if (ctx.entry.chunksSent > 0) await ctx.sleep(d.idle);
      await ctx.send(line({ ...head(), message: { role: "assistant", content: word }, done: false }), 1);
      if (ctx.shouldCut(d)) return ctx.cut();
    }
  }
  if (d.cut != null) return ctx.cut();
  await ctx.sleep(d.idle);
  await ctx.send(line(final("", ctx.entry.usage.completion)));
  ctx.end();
}
