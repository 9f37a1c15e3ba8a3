// The large-inputs micro-bench (bench/large-inputs.mjs runs it): every pass a gateway request makes
// over the prompt, timed at 1 KB, 100 KB, 1 MB and 4 MB of user text, to show each is linear (the
// same ms per MB at every size) and how much of the event loop each one holds for a 1 MB prompt.
// Run through tsx with the react-server condition, as scripts/cli.mjs runs the CLI:
//   node --conditions=react-server --import tsx bench/lib/prompt-walks.ts      → one JSON line on stdout
import os from "node:os";
import {
  jsonDepth,
  parseJsonText,
  refuseUnstorableText,
  stringifyKeepingSource,
  topLevelSpans,
  utf8Text,
} from "@/lib/api/body";
import { promptTokenUpperBound, tokensOfLength } from "@/lib/billing/estimate";
import { withoutClientRouting } from "@/lib/gateway/client-routing";
import { promptLength, sessionKeys } from "@/lib/gateway/conversation";
import { toChatCompletionBody } from "@/lib/gateway/formats/anthropic-messages";
import { messagesRequestSchema } from "@/lib/gateway/formats/anthropic-messages-schema";
import { inputItemsOf, toChatBody, toChatMessages } from "@/lib/gateway/formats/responses-items";
import { responsesRequestSchema } from "@/lib/gateway/formats/responses-request";
import { promptForHistory } from "@/lib/gateway/prompt-record";
import { chatCompletionRequestSchema } from "@/lib/validations/gateway";

const SIZES = [
  { label: "1 KB", chars: 1_024 },
  { label: "100 KB", chars: 100 * 1_024 },
  { label: "1 MB", chars: 1_024 * 1_024 },
  { label: "4 MB", chars: 4 * 1_024 * 1_024 },
];

function promptOf(chars: number): string {
  const line = "The quick brown fox jumps over the lazy dog while the gateway counts every token. ";
  let text = "";
  while (text.length < chars) text += text.length % 800 < line.length ? `${line.trimEnd()}\n` : line;
  return text.slice(0, chars);
}

type Fixture = {
  bytes: Buffer;
  text: string;
  body: Record<string, unknown>;
  messages: Array<{ role: string; content: string }>;
};

function fixture(chars: number): Fixture {
  const messages = [
    { role: "system", content: "You are terse." },
    { role: "user", content: promptOf(chars) },
  ];
  const text = JSON.stringify({ model: "bench-model", max_tokens: 64, messages });
  const bytes = Buffer.from(text);
  // Parsed as the route parses it: a large body keeps its messages' text (and, being ASCII, their
  // bytes) for the body sent upstream, the history's JSON and the session hashes.
  const body = parseJsonText(text, bytes) as { model: string; max_tokens: number; messages: typeof messages };
  return { bytes, text, body, messages: structuredClone(body.messages) };
}

const reply = { role: "assistant" as const, content: "Hello there, this is a short benchmark reply." };

/** Each pass, as the request path runs it (the first three also run for the Anthropic and Responses routes). */
const WALKS: Array<{ name: string; run: (f: Fixture) => unknown }> = [
  { name: "body bytes → text (utf8Text)", run: (f) => utf8Text(f.bytes) },
  { name: "jsonDepth (nesting scan before parsing)", run: (f) => jsonDepth(f.text) },
  { name: "JSON.parse", run: (f) => JSON.parse(f.text) },
  { name: "refuseUnstorableText (NUL, surrogates)", run: (f) => refuseUnstorableText(f.body) },
  { name: "chat request schema (zod)", run: (f) => chatCompletionRequestSchema.parse(f.body) },
  { name: "promptLength + tokensOfLength (rate limit)", run: (f) => tokensOfLength(promptLength(f.messages)) },
  { name: "promptTokenUpperBound (worst case)", run: (f) => promptTokenUpperBound(f.messages) },
  { name: "promptForHistory (Request row JSON)", run: (f) => promptForHistory(f.messages, f.body.messages) },
  { name: "topLevelSpans (the source text kept)", run: (f) => topLevelSpans(f.text) },
  {
    name: "forward body (stringifyKeepingSource)",
    run: (f) => stringifyKeepingSource({ ...withoutClientRouting(f.body), model: "bench-model" }),
  },
  { name: "sessionKeys (hashes + title)", run: (f) => sessionKeys(f.messages, reply, null, f.body.messages) },
  {
    name: "Anthropic: schema + toChatCompletionBody",
    run: (f) =>
      toChatCompletionBody(
        messagesRequestSchema.parse({ model: "bench-model", max_tokens: 64, messages: f.messages.slice(1) }),
      ),
  },
  {
    name: "Responses: schema + toChatBody",
    run: (f) => {
      const req = responsesRequestSchema.parse({ model: "bench-model", input: f.messages[1].content });
      return toChatBody(req, [], toChatMessages(inputItemsOf(req.input)));
    },
  },
];

/**
 * Per call, after two unmeasured calls, repeated until ~150 ms or 200 calls have run (at least 5):
 * the fastest (the walk's own cost; other processes on a loaded machine only ever add) and the median.
 */
function time(run: () => unknown): { min: number; median: number } {
  run();
  run();
  const samples: number[] = [];
  const until = performance.now() + 150;
  while (samples.length < 5 || (samples.length < 200 && performance.now() < until)) {
    const t = performance.now();
    run();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { min: samples[0], median: samples[Math.floor(samples.length / 2)] };
}

const fixtures = SIZES.map((s) => fixture(s.chars));
const rows = WALKS.map((walk) => {
  const times = fixtures.map((f) => time(() => walk.run(f)));
  const ms = times.map((t) => t.min);
  return {
    name: walk.name,
    ms,
    median: times.map((t) => t.median),
    perMb: ms.map((v, i) => v / (SIZES[i].chars / (1_024 * 1_024))),
  };
});
console.log(JSON.stringify({ sizes: SIZES, rows, load: os.loadavg() }));
