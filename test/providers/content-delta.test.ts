import { describe, expect, it } from "vitest";
import { ReplyAccumulator } from "@/lib/gateway/accounting";
import { parseChunk } from "@/lib/providers/openai-wire";
import type { ChatCompletionChunk } from "@/lib/providers/types";
import { UpstreamError } from "@/lib/providers/types";

// A stream's plain content deltas are recognised by their text (lib/providers/openai-wire.ts) instead
// of being parsed whole. What the gateway keeps of an event — the reply's text, the count of chunks
// that produced something, the finish, the usage — must be what parsing it whole gives, whichever way
// it went; anything outside the recognised shape must still be parsed whole.

const head = { id: "chatcmpl-9xQ", object: "chat.completion.chunk", created: 1733580000, model: "gpt-4o-mini" };
const delta = (d: Record<string, unknown>, extra: Record<string, unknown> = {}, choice: Record<string, unknown> = {}) =>
  JSON.stringify({ ...head, ...extra, choices: [{ index: 0, delta: d, ...choice, finish_reason: null }] });

/** Shapes real servers send for the answer's text: each must take the fast way. */
const recognised: Record<string, string> = {
  "the bench mock and vLLM": delta({ content: "Hello" }),
  "Ollama's first event, with its role": JSON.stringify({
    ...head,
    system_fingerprint: "fp_ollama",
    choices: [{ index: 0, delta: { role: "assistant", content: " world" }, finish_reason: null }],
  }),
  "OpenAI's, with usage and obfuscation": JSON.stringify({
    ...head,
    service_tier: "default",
    system_fingerprint: "fp_07871e2ad8",
    choices: [{ index: 0, delta: { content: " and" }, logprobs: null, finish_reason: null }],
    usage: null,
    obfuscation: "Xq9",
  }),
  "OpenAI's first, empty with a refusal of null": JSON.stringify({
    ...head,
    choices: [
      { index: 0, delta: { role: "assistant", content: "", refusal: null }, logprobs: null, finish_reason: null },
    ],
  }),
  "escapes and a lone surrogate": delta({ content: 'say "hi"\n\\ \t \u0001 \ud800 /' }),
  "characters beyond ASCII, written raw": delta({ content: "café 🚀 日本" }),
  "characters written as \\u escapes": delta({ content: "x" }).replace('"x"', '"\\u00e9\\ud83d\\ude80"'),
};

/** Events that must be parsed whole: each carries something besides the text, or is not JSON. */
const parsedWhole: Record<string, string> = {
  "the last, with its finish": JSON.stringify({ ...head, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }),
  "content and finish together": JSON.stringify({
    ...head,
    choices: [{ index: 0, delta: { content: "end" }, finish_reason: "length" }],
  }),
  "usage alone": JSON.stringify({ ...head, choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } }),
  "content with usage": delta({ content: "a" }, { usage: { prompt_tokens: 3, completion_tokens: 1 } }),
  "a tool call": delta({ tool_calls: [{ index: 0, id: "c1", type: "function", function: { name: "f" } }] }),
  "content beside a tool call": delta({ content: "a", tool_calls: [{ index: 0, function: { arguments: "{}" } }] }),
  reasoning: delta({ reasoning_content: "think" }),
  "content and reasoning": delta({ content: "a", reasoning_content: "b" }),
  "a second choice": delta({ content: "a" }).replace(
    '"finish_reason":null}]',
    '"finish_reason":null},{"index":1,"delta":{"content":"b"},"finish_reason":null}]',
  ),
  "choice 1 alone": delta({ content: "a" }).replace('"index":0', '"index":1'),
  "logprobs that are not null": delta({ content: "a" }, {}, { logprobs: { content: [] } }),
  "a field of another server": delta({ content: "a" }, { x_groq: { id: "q" } }),
  "spaces between the tokens": delta({ content: "a" }).replace('"content":"a"', '"content": "a"'),
};

function keptByParsing(data: string) {
  const acc = new ReplyAccumulator();
  const chunk = JSON.parse(data) as ChatCompletionChunk;
  if (!Array.isArray(chunk.choices)) chunk.choices = [];
  acc.add(chunk);
  return acc;
}

function kept(data: string) {
  const acc = new ReplyAccumulator();
  const item = parseChunk(data, new Uint8Array());
  acc.addEvent(item);
  return { acc, item };
}

const summary = (acc: ReplyAccumulator) => ({
  text: acc.text,
  contentChunks: acc.contentChunks,
  finishReason: acc.finishReason,
  usage: acc.usage,
  toolCalls: acc.toolCalls,
});

describe("a stream's content deltas, recognised by their text", () => {
  it.each(Object.entries(recognised))("%s: the text alone, as parsing gives it", (_, data) => {
    const { acc, item } = kept(data);
    expect(item.content).toBeTypeOf("string");
    expect(summary(acc)).toEqual(summary(keptByParsing(data)));
    // A format that asks for the event gets it whole, parsed then.
    expect(item.chunk).toEqual(JSON.parse(data));
    expect(item.raw).toBe(data);
  });

  it("keeps the text of a whole stream exactly, and counts only the deltas that had some", () => {
    const words = ["Hel", "lo", "", ' "wörld"', "\n🚀"];
    const acc = new ReplyAccumulator();
    for (const w of words) acc.addEvent(parseChunk(delta({ content: w }), undefined));
    acc.addEvent(
      parseChunk(JSON.stringify({ ...head, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }), undefined),
    );
    expect(acc.text).toBe(words.join(""));
    expect(acc.contentChunks).toBe(4);
    expect(acc.finishReason).toBe("stop");
  });

  it.each(Object.entries(parsedWhole))("%s: parsed whole", (_, data) => {
    const { acc, item } = kept(data);
    expect(item.content).toBeUndefined();
    expect(summary(acc)).toEqual(summary(keptByParsing(data)));
  });

  it("still refuses an event that is not JSON, even one that looks like a content delta", () => {
    for (const data of [
      delta({ content: "a" }).slice(0, -1),
      `${delta({ content: "a" })}x`,
      "{not json",
      delta({ content: "a" }).replace('"created":1733580000', '"created":01733580000'),
      delta({ content: "a" }).replace('"a"', '"a\tb"'),
    ])
      expect(() => parseChunk(data, undefined)).toThrow(UpstreamError);
  });
});
