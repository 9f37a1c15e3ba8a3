// Behaviour directives carried in the model name, plus the deterministic
// reply / token-count rules shared by every wire format.
//
//   fake-model:delay=200:chunks=20:cut=5:idle=10:garble=2
//   flags: nousage (no usage block), zerousage (a usage block of zeros, OpenAI wire only), tool,
//          promptcached (Ollama: no prompt_eval_count, as for a prompt served from its cache),
//          nolimit (Ollama: ignore options.num_predict, as a model overrunning its limit would)
//   streamfail=STATUS[:streamfail-at=N]: the stream starts, then carries an error after N content
//          chunks (Bedrock: an exception frame of that status; Ollama: an {"error"} line; Responses API:
//          an `error` event, or with the flag failedevent a `response.failed` event)
//
// Segments after the first `:` that look like a known directive are parsed;
// anything else stays part of the base name (so Ollama tags such as
// `llama3.2:latest:delay=100` keep their `:latest`).

const NUMERIC = {
  delay: "delay", // ms before anything (headers included)
  fail: "fail", // respond with this HTTP status
  cut: "cut", // stream: destroy the socket after N content chunks
  garble: "garble", // stream (OpenAI wire): one malformed event after N content chunks (0: before the first event), then carry on
  ttft: "ttft", // ms before the first body chunk (non-stream: before headers)
  "headers-delay": "headersDelay", // ms before response headers are sent
  idle: "idle", // ms pause between chunks
  chunks: "chunks", // number of content chunks (default 5)
  streamfail: "streamFail", // stream: an in-stream error of this status
  "streamfail-at": "streamFailAt", // ... after this many content chunks (default 0)
};
const FLAGS = {
  nousage: "nousage",
  zerousage: "zeroUsage",
  tool: "tool",
  promptcached: "promptCached",
  nolimit: "noLimit",
  failedevent: "failedEvent",
};

export const DIRECTIVE_NAMES = [...Object.keys(NUMERIC), ...Object.keys(FLAGS)];
export const DEFAULT_CHUNKS = 5;
/** A tool call always counts as this many completion tokens (one per streamed piece). */
export const TOOL_CALL_TOKENS = 3;
export const TOOL_ARGS = { city: "Paris" };
/** The tool-call arguments JSON streamed in two pieces. */
export const TOOL_ARG_PIECES = ['{"city":', '"Paris"}'];

export function parseModelDirectives(model) {
  const [first, ...rest] = String(model ?? "").split(":");
  const base = [first];
  const out = {};
  for (const seg of rest) {
    const m = /^([a-z-]+)=(\d+)$/.exec(seg);
    if (m && Object.hasOwn(NUMERIC, m[1])) out[NUMERIC[m[1]]] = Number(m[2]);
    else if (Object.hasOwn(FLAGS, seg)) out[FLAGS[seg]] = true;
    else base.push(seg);
  }
  return { base: base.join(":"), ...out };
}

/** Model directives layered over the global behaviour set with setBehavior(). */
export function effectiveBehavior(model, global = {}) {
  const d = parseModelDirectives(model);
  return {
    base: d.base,
    delay: d.delay ?? global.delayMs ?? 0,
    headersDelay: d.headersDelay ?? global.headersDelayMs ?? 0,
    ttft: d.ttft ?? global.ttftMs ?? 0,
    idle: d.idle ?? global.idleMs ?? 0,
    chunks: d.chunks ?? global.chunks ?? DEFAULT_CHUNKS,
    cut: d.cut ?? global.cut,
    garble: d.garble,
    fail: d.fail,
    nousage: d.nousage ?? global.nousage ?? false,
    zeroUsage: d.zeroUsage ?? false,
    tool: d.tool ?? global.tool ?? false,
    streamFail: d.streamFail,
    streamFailAt: d.streamFailAt ?? 0,
    promptCached: d.promptCached ?? false,
    noLimit: d.noLimit ?? false,
    failedEvent: d.failedEvent ?? false,
  };
}

/** Words with their trailing whitespace kept, so joining them restores the text. */
export const wordsOf = (text) => String(text ?? "").match(/\S+\s*/g) ?? [];
export const countWords = (text) =>
  String(text ?? "")
    .split(/\s+/)
    .filter(Boolean).length;

/**
 * conv: [{ role: "system"|"user"|"assistant"|"tool", text }]
 * One prompt token per 4 characters of message text (at least 1) — the same rule the gateway uses
 * to estimate a prompt when an upstream never reports usage, so reconciliation tests can be exact.
 */
export function promptTokens(conv) {
  return Math.max(1, Math.ceil(conv.reduce((n, m) => n + String(m.text ?? "").length, 0) / 4));
}

/**
 * Decide what to answer:
 *  - a tool message after the last user message -> "tool result received: <text>"
 *  - `tool` directive and tools offered        -> a tool call to the first tool
 *  - last user message contains "echo:"        -> the text after it, word by word
 *  - otherwise                                 -> "tok0 tok1 ... tok{chunks-1} "
 */
export function planReply(conv, d, toolNames = []) {
  const lastUser = conv.findLastIndex((m) => m.role === "user");
  const lastTool = conv.findLastIndex((m) => m.role === "tool");
  if (lastTool > lastUser) {
    return textPlan(wordsOf(`tool result received: ${conv[lastTool].text}`));
  }
  if (d.tool && toolNames.length > 0) {
    return { kind: "tool", name: toolNames[0], args: TOOL_ARGS, tokens: TOOL_CALL_TOKENS };
  }
  const userText = lastUser >= 0 ? conv[lastUser].text : "";
  const at = userText.indexOf("echo:");
  if (at >= 0) return textPlan(wordsOf(userText.slice(at + 5).trimStart()));
  return textPlan(Array.from({ length: d.chunks }, (_, i) => `tok${i} `));
}

function textPlan(words) {
  return { kind: "text", words, text: words.join(""), tokens: words.length };
}
