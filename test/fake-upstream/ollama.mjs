// Ollama native API as ollama/ollama serves it (docs/api.md, api/types.go): /api/chat, /api/tags,
// /api/ps, /api/pull, /api/delete, /api/show.
//  - Sampling settings are read only inside `options` (num_predict, temperature, top_p, stop,
//    seed); the same names at the top level of a request are ignored, as Ollama ignores them.
//  - Failures once a stream has started are a line {"error": "..."} inside the 200 stream: a pull
//    of an unknown model ("missing" in its name) answers 200, then the error; "broken" fails midway.
//  - prompt_eval_count is left out when the prompt came from the cache (`promptcached`).
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
    model_info: {
      "general.architecture": "llama",
      "general.parameter_count": 3_212_749_888,
      "llama.context_length": 131_072,
    },
    capabilities: ["completion", "tools"],
    modified_at: new Date(ctx.state.ollamaModels.get(name)).toISOString(),
  });
}

/** GET /api/ps: the models loaded in memory (a model is loaded by a chat, for five minutes). */
export function ps(ctx) {
  const now = Date.now();
  const models = [...ctx.state.ollamaLoaded.entries()]
    .filter(([, until]) => until > now)
    .map(([name, until]) => ({
      name,
      model: name,
      size: 2_019_393_189,
      digest: sha(name),
      details: details(),
      expires_at: new Date(until).toISOString(),
      size_vram: 2_019_393_189,
      context_length: 4096,
    }));
  ctx.json(200, { models });
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
  const stream = ctx.body?.stream !== false;
  const line = (o) => `${JSON.stringify(o)}\n`;
  if (!raw) return ctx.json(400, { error: "invalid model name" });
  const unknown = String(raw).includes("missing");
  const broken = String(raw).includes("broken");
  // Without streaming, Ollama answers once the pull is over: an error is a plain error status.
  if (!stream && (unknown || broken)) {
    return ctx.json(500, {
      error: unknown ? "pull model manifest: file does not exist" : "max retries exceeded: unexpected EOF",
    });
  }
  const stepDelay = ctx.state.behavior.pullStepDelayMs ?? ctx.state.options.pullStepDelayMs ?? 50;
  const digest = `sha256:${sha(name)}`;
  if (stream) ctx.startStream(200, "application/x-ndjson");
  const emit = (o) => (stream ? ctx.send(line(o)) : undefined);
  await emit({ status: "pulling manifest" });
  if (unknown) {
    await emit({ error: "pull model manifest: file does not exist" });
    return ctx.end();
  }
  for (let k = 1; k <= PULL_STEPS; k++) {
    await ctx.sleep(stepDelay);
    if (broken && k > 2) {
      await emit({ error: "max retries exceeded: unexpected EOF" });
      return ctx.end();
    }
    await emit({
      status: `pulling ${sha(name).slice(0, 12)}`,
      digest,
      total: TOTAL,
      completed: (TOTAL * k) / PULL_STEPS,
    });
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

/** Where a reply stops under `options`: num_predict tokens (one per word) or a stop string. */
function limitPlan(plan, options, d) {
  if (plan.kind !== "text") return { plan, reason: "stop" };
  let words = plan.words;
  let reason = "stop";
  const stops = Array.isArray(options?.stop) ? options.stop.filter((x) => typeof x === "string" && x) : [];
  const at = stops.length ? words.findIndex((w) => stops.some((x) => w.includes(x))) : -1;
  if (at >= 0) words = words.slice(0, at);
  const n = options?.num_predict;
  if (!d.noLimit && typeof n === "number" && n > 0 && words.length > n) {
    words = words.slice(0, n);
    reason = "length";
  }
  return { plan: { ...plan, words, text: words.join(""), tokens: words.length }, reason };
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
  const options = body.options && typeof body.options === "object" ? body.options : {};
  const { plan, reason } = limitPlan(planReply(conv, d, toolNames), options, d);
  const prompt = promptTokens(conv);
  ctx.state.ollamaLoaded.set(normalizeName(d.base), Date.now() + 5 * 60_000);
  const started = process.hrtime.bigint();
  const toolCalls = plan.kind === "tool" ? [{ function: { name: plan.name, arguments: TOOL_ARGS } }] : undefined;
  const head = () => ({ model, created_at: new Date().toISOString() });
  const final = (content, completion, extra = {}) => {
    const out = {
      ...head(),
      message: { role: "assistant", content, ...extra },
      done: true,
      done_reason: reason,
      total_duration: Number(process.hrtime.bigint() - started),
      load_duration: 1_000_000,
    };
    if (!d.nousage) {
      Object.assign(out, d.promptCached ? {} : { prompt_eval_count: prompt, prompt_eval_duration: 1_000_000 });
      Object.assign(out, { eval_count: completion, eval_duration: 1_000_000 * Math.max(completion, 1) });
      ctx.reported(d.promptCached ? 0 : prompt, completion);
    }
    return out;
  };

  if (body.stream === false) {
    await ctx.sleep(d.ttft);
    if (d.streamFail) return ctx.json(500, { error: "an error was encountered while running the model: fake failure" });
    ctx.served(prompt, plan.tokens, plan.kind === "tool" ? 1 : plan.tokens);
    const res =
      plan.kind === "tool" ? final("", plan.tokens, { tool_calls: toolCalls }) : final(plan.text, plan.tokens);
    return ctx.json(200, res);
  }

  const line = (o) => `${JSON.stringify(o)}\n`;
  ctx.startStream(200, "application/x-ndjson");
  ctx.served(prompt, 0, 0);
  await ctx.sleep(d.ttft);
  if (ctx.shouldCut(d)) return ctx.cut();
  if (plan.kind === "tool") {
    await ctx.send(
      line({ ...head(), message: { role: "assistant", content: "", tool_calls: toolCalls }, done: false }),
      1,
      plan.tokens,
    );
  } else {
    for (const word of plan.words) {
      if (d.streamFail && ctx.entry.chunksSent >= d.streamFailAt) break;
      if (ctx.entry.chunksSent > 0) await ctx.sleep(d.idle);
      await ctx.send(line({ ...head(), message: { role: "assistant", content: word }, done: false }), 1);
      if (ctx.shouldCut(d)) return ctx.cut();
    }
  }
  if (d.streamFail) {
    await ctx.send(line({ error: "an error was encountered while running the model: fake failure" }));
    return ctx.end();
  }
  if (d.cut != null) return ctx.cut();
  await ctx.sleep(d.idle);
  await ctx.send(line(final("", ctx.entry.usage.completion)));
  ctx.end();
}
