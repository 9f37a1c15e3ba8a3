import "server-only";
import { randomBytes } from "node:crypto";
import { parseWith } from "@/lib/api/body";
import { formatMoney, parseMoney } from "@/lib/billing/money";
import { AppError } from "@/lib/errors";
import type { GatewayInput } from "../pipeline";
import { type CompletionRequest, completionRequestSchema } from "./completions-request";
import {
  type ChatEvent,
  eventStreamAnswer,
  type GatewayUsage,
  jsonAnswer,
  keptHeaders,
  runViaChat,
  type ViaChat,
} from "./via-chat";

// POST /v1/completions: OpenAI's legacy text completions, translated to chat completions (the
// prompt becomes one user message) and back, through the one pipeline. Several prompts are
// several pipeline calls, one after the other, each billed on its own; their choices are numbered
// as OpenAI numbers them (prompt × n + choice). What a chat model cannot do is refused by name:
// `suffix` (insertion), `echo`, `best_of` above 1, token-id prompts, logprobs.

/** OpenAI's default for max_tokens on this endpoint. */
const DEFAULT_MAX_TOKENS = 16;

function promptsOf(req: CompletionRequest): string[] {
  if (typeof req.prompt === "string") return [req.prompt];
  if (req.prompt.every((p): p is string => typeof p === "string")) return req.prompt;
  throw new AppError("validation_error", "prompt: token-id prompts are not supported; send text", { param: "prompt" });
}

function chatBody(req: CompletionRequest, prompt: string): Record<string, unknown> {
  const {
    prompt: _prompt,
    suffix: _suffix,
    echo: _echo,
    best_of: _bestOf,
    logprobs: _logprobs,
    stream,
    stream_options: _options,
    max_tokens,
    ...rest
  } = req;
  void [_prompt, _suffix, _echo, _bestOf, _logprobs, _options];
  return {
    ...rest,
    messages: [{ role: "user", content: prompt }],
    max_tokens: max_tokens ?? DEFAULT_MAX_TOKENS,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

type Totals = { prompt: number; completion: number; cost: bigint | null };

function addUsage(t: Totals, u: GatewayUsage | undefined) {
  if (!u) return;
  t.prompt += u.prompt_tokens ?? 0;
  t.completion += u.completion_tokens ?? 0;
  const cost = u.cost === undefined ? null : parseMoney(u.cost);
  if (cost !== null) t.cost = (t.cost ?? 0n) + cost;
}

const usageOf = (t: Totals) => ({
  prompt_tokens: t.prompt,
  completion_tokens: t.completion,
  total_tokens: t.prompt + t.completion,
  ...(t.cost !== null ? { cost: formatMoney(t.cost) } : {}),
});

/** Each prompt is its own request, recorded under its own id (the first keeps the request's). */
const promptInput = (input: GatewayInput, p: number): GatewayInput =>
  p === 0 ? input : { ...input, requestId: `${input.requestId}.${p}` };

export async function createCompletion(input: GatewayInput): Promise<Response> {
  const req = parseWith(completionRequestSchema, input.body);
  const prompts = promptsOf(req);
  const n = req.n ?? 1;
  const id = `cmpl-${randomBytes(16).toString("hex")}`;
  const created = Math.floor(Date.now() / 1000);
  if (!req.stream) {
    const choices: unknown[] = [];
    const totals: Totals = { prompt: 0, completion: 0, cost: null };
    let headers: Headers | null = null;
    for (const [p, prompt] of prompts.entries()) {
      const result = await runViaChat(promptInput(input, p), chatBody(req, prompt));
      if (result.kind === "gone") return result.response;
      if (result.kind !== "completion") throw new Error("a non-streaming call answered with a stream");
      headers ??= result.headers;
      addUsage(totals, result.completion.usage);
      for (const c of result.completion.choices) {
        choices.push({
          text: c.message.content ?? "",
          index: p * n + c.index,
          logprobs: null,
          finish_reason: c.finish_reason ?? "stop",
        });
      }
    }
    const body = { id, object: "text_completion", created, model: req.model, choices, usage: usageOf(totals) };
    const kept = keptHeaders(headers!, "application/json");
    if (prompts.length > 1 && totals.cost !== null) kept["x-tollgate-cost"] = formatMoney(totals.cost);
    return jsonAnswer(body, kept);
  }
  // Streams: the first prompt's call answers before anything is sent (a refusal is a plain error);
  // later prompts' calls start as the earlier ones end.
  const includeUsage = req.stream_options?.include_usage === true;
  const first = await runViaChat(input, chatBody(req, prompts[0]));
  if (first.kind === "gone") return first.response;
  let current: Extract<ViaChat, { kind: "stream" }> | null = first.kind === "stream" ? first : null;
  let p = 0;
  let ended = false;
  const totals: Totals = { prompt: 0, completion: 0, cost: null };
  const sse = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;
  const chunkOf = (e: NonNullable<ChatEvent["chunk"]>) => {
    const choices = e.choices
      .filter((c) => c.delta?.content || c.finish_reason)
      .map((c) => ({
        text: c.delta?.content ?? "",
        index: p * n + c.index,
        logprobs: null,
        finish_reason: c.finish_reason ?? null,
      }));
    return choices.length ? sse({ id, object: "text_completion", created, model: req.model, choices }) : "";
  };
  const next = async (): Promise<string | null> => {
    if (ended) return null;
    for (;;) {
      if (!current) {
        ended = true;
        return null;
      }
      const step = await current.events.next();
      if (step.done) {
        if (++p < prompts.length) {
          let following: ViaChat;
          try {
            following = await runViaChat(promptInput(input, p), chatBody(req, prompts[p]));
          } catch (err) {
            ended = true;
            const message = err instanceof Error ? err.message : "the next prompt failed";
            return sse({ error: { message, type: "api_error", code: err instanceof AppError ? err.code : null } });
          }
          current = following.kind === "stream" ? following : null;
          continue;
        }
        ended = true;
        return (
          (includeUsage
            ? sse({ id, object: "text_completion", created, model: req.model, choices: [], usage: usageOf(totals) })
            : "") + "data: [DONE]\n\n"
        );
      }
      let out = "";
      for (const e of step.value) {
        if (e.error) {
          ended = true;
          return out + sse({ error: e.error });
        }
        addUsage(totals, e.chunk.usage ?? undefined);
        out += chunkOf(e.chunk);
      }
      if (out) return out;
    }
  };
  const headers = first.kind === "stream" ? first.headers : new Headers();
  return eventStreamAnswer(next, () => current?.stop(), keptHeaders(headers, "text/event-stream; charset=utf-8"));
}
