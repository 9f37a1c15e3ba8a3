import "server-only";
import { createAmazonBedrock } from "@ai-sdk/amazon-bedrock";
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
} from "@ai-sdk/provider";
import { APICallError } from "@ai-sdk/provider";
import { createOllama } from "ollama-ai-provider-v2";
import { DEFAULT_MAX_OUTPUT_TOKENS, tokensOfLength } from "@/lib/billing/estimate";
import { promptLength } from "@/lib/gateway/conversation";
import { bedrockCredentials, bedrockEndpoint, bedrockErrorType, bedrockUpstreamError } from "./bedrock";
import { providerFetch, refusedUpstreamError } from "./http";
import { toCallOptions, toLanguageModelPrompt } from "./openai-to-ai-sdk";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ResolvedModel,
  StreamChunk,
  UpstreamCall,
  UpstreamCompletion,
  UpstreamStream,
} from "./types";
import { UpstreamError } from "./types";

// Bedrock and Ollama speak their own wire formats; the AI SDK providers translate, and this file
// turns their stream parts back into OpenAI chat.completion.chunk objects.

function languageModel(model: ResolvedModel, region: string | undefined): LanguageModelV4 {
  const p = model.provider;
  if (p.kind === "OLLAMA") {
    const base = (p.baseUrl ?? "http://127.0.0.1:11434").replace(/\/+$/, "");
    return createOllama({ baseURL: `${base}/api`, fetch: ollamaFetch(p.name) })(
      model.upstreamId,
    ) as unknown as LanguageModelV4;
  }
  return bedrockProvider(p, region)(model.upstreamId) as unknown as LanguageModelV4;
}

/** The AI SDK's Bedrock provider for one of our providers in one region (chat models and embedding models alike). */
export function bedrockProvider(p: ResolvedModel["provider"], region: string | undefined) {
  const where = region ?? "us-east-1";
  return createAmazonBedrock({
    region: where,
    credentialProvider: bedrockCredentials(p),
    baseURL: bedrockEndpoint(p, where),
    fetch: providerFetch,
  });
}

/**
 * fetch for Ollama that turns an {"error": "…"} line inside its 200 NDJSON stream (a model that
 * failed to load or crashed while generating) into a failure of the stream: the provider package
 * would drop that line and end the answer as if it were complete. The lines before the error are
 * passed on first, even when they arrive in the same read, so what Ollama produced before failing
 * does not depend on how its bytes were split.
 */
function ollamaFetch(provider: string): typeof globalThis.fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const res = await providerFetch(input, init);
    if (!res.ok || !res.body) return res;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    let buffer = "";
    let failed: UpstreamError | null = null;
    const failure = (line: string): UpstreamError | null => {
      if (!line.includes('"error"')) return null;
      try {
        const json = JSON.parse(line) as { error?: unknown };
        if (json.error === undefined) return null;
        const message = typeof json.error === "string" ? json.error : JSON.stringify(json.error);
        return new UpstreamError(`Upstream ${provider} failed: ${message.slice(0, 300)}`, 502, true);
      } catch {
        return null;
      }
    };
    // Whole lines up to an error line (kept for the next pull: erroring now would drop them unread).
    const take = (lines: string[]): string => {
      let out = "";
      for (const line of lines) {
        failed = failure(line.trim());
        if (failed) break;
        out += `${line}\n`;
      }
      return out;
    };
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          for (;;) {
            if (failed) {
              await reader.cancel().catch(() => {});
              return controller.error(failed);
            }
            const { done, value } = await reader.read();
            if (done) {
              const rest = take([buffer + decoder.decode()].filter((l) => l.trim()));
              if (failed) continue;
              if (rest) controller.enqueue(encoder.encode(rest));
              return controller.close();
            }
            buffer += decoder.decode(value, { stream: true });
            const lines = buffer.split("\n");
            buffer = lines.pop() ?? "";
            const out = take(lines);
            if (out) return controller.enqueue(encoder.encode(out));
          }
        },
        cancel(reason) {
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  }) as typeof globalThis.fetch;
}

/** What the provider said went wrong, as an UpstreamError with the provider's own status and message. */
export function asUpstreamError(err: unknown, call: UpstreamCall): unknown {
  const provider = call.model.provider.name;
  const bedrock = call.model.provider.kind === "BEDROCK";
  if (err instanceof UpstreamError) return err;
  const refused = refusedUpstreamError(err);
  if (refused) return refused;
  if (APICallError.isInstance(err)) {
    const status = err.statusCode ?? 502;
    if (bedrock) {
      const type = bedrockErrorType(err.responseHeaders?.["x-amzn-errortype"]);
      return bedrockUpstreamError({
        type,
        status,
        message: awsMessage(err.responseBody) ?? err.message,
        provider,
        region: call.region,
      });
    }
    return new UpstreamError(
      `Upstream ${provider} answered ${status}: ${err.message.slice(0, 300)}`,
      status,
      err.isRetryable || status === 429 || status >= 500,
    );
  }
  if (err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError")) return err;
  // An exception frame inside Bedrock's event stream comes as a plain object {type, message, statusCode}.
  const frame = streamErrorOf(err);
  if (frame && bedrock)
    return bedrockUpstreamError({
      type: frame.type,
      status: frame.statusCode,
      message: frame.message,
      provider,
      region: call.region,
    });
  if (frame)
    return new UpstreamError(
      `Upstream ${provider} failed: ${frame.message.slice(0, 300)}`,
      frame.statusCode ?? 502,
      frame.statusCode ? frame.statusCode === 429 || frame.statusCode >= 500 : true,
    );
  // Ollama reports a failure inside its stream as {"error": "…"}; the provider passes the text on.
  if (typeof err === "string") return new UpstreamError(`Upstream ${provider} failed: ${err.slice(0, 300)}`, 502, true);
  return new UpstreamError(
    `Upstream ${provider} failed: ${err instanceof Error ? err.message.slice(0, 300) : "unknown error"}`,
    502,
    true,
    "network",
  );
}

function streamErrorOf(err: unknown): { type: string | null; message: string; statusCode?: number } | null {
  if (!err || typeof err !== "object" || err instanceof Error) return null;
  const e = err as { type?: unknown; message?: unknown; statusCode?: unknown };
  if (typeof e.message !== "string" && typeof e.type !== "string") return null;
  return {
    type: typeof e.type === "string" ? e.type : null,
    message: typeof e.message === "string" ? e.message : String(e.type),
    statusCode: typeof e.statusCode === "number" ? e.statusCode : undefined,
  };
}

function awsMessage(body: string | undefined): string | null {
  if (!body) return null;
  try {
    const json = JSON.parse(body) as { message?: unknown; Message?: unknown };
    const m = json.message ?? json.Message;
    return typeof m === "string" ? m : null;
  } catch {
    return body.slice(0, 300) || null;
  }
}

/**
 * The most output this call may produce: the client's limit, else the model's, else the default
 * the budget reserved for (lib/billing/estimate.ts worstCase).
 */
function outputCap(call: UpstreamCall): number {
  const num = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined);
  return (
    num(call.body.max_completion_tokens) ??
    num(call.body.max_tokens) ??
    call.model.maxOutputTokens ??
    DEFAULT_MAX_OUTPUT_TOKENS
  );
}

function callOptions(call: UpstreamCall, prompt: LanguageModelV4Prompt): LanguageModelV4CallOptions {
  const options = { ...toCallOptions(call.body), prompt, abortSignal: call.signal };
  if (call.model.provider.kind !== "OLLAMA") return options;
  // Ollama reads sampling settings only inside `options` (num_predict, not max_tokens) and
  // ignores them at the top level; num_predict is always sent, as Ollama's own default is no limit.
  const { maxOutputTokens, temperature, topP, stopSequences, seed, ...rest } = options;
  void maxOutputTokens;
  const ollamaOptions = {
    num_predict: outputCap(call),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { top_p: topP } : {}),
    ...(stopSequences?.length ? { stop: stopSequences } : {}),
    ...(seed !== undefined ? { seed } : {}),
  };
  return { ...rest, providerOptions: { ollama: { options: ollamaOptions } } };
}

async function openStream(
  call: UpstreamCall,
): Promise<{ stream: ReadableStream<LanguageModelV4StreamPart>; options: LanguageModelV4CallOptions }> {
  const prompt: LanguageModelV4Prompt = toLanguageModelPrompt(call.body.messages, {
    blankTextAllowed: call.model.provider.kind !== "BEDROCK",
  });
  const options = callOptions(call, prompt);
  try {
    const result = await languageModel(call.model, call.region).doStream(options);
    return { stream: result.stream, options };
  } catch (err) {
    throw asUpstreamError(err, call);
  }
}

export async function aiSdkStream(call: UpstreamCall): Promise<UpstreamStream> {
  const { stream } = await openStream(call);
  return { region: call.region, batches: oneByOne(toOpenAiChunks(stream, call)) };
}

async function* oneByOne(chunks: AsyncIterable<StreamChunk>): AsyncGenerator<StreamChunk[]> {
  for await (const chunk of chunks) yield [chunk];
}

export async function aiSdkComplete(call: UpstreamCall): Promise<UpstreamCompletion> {
  const { stream } = await openStream(call);
  return {
    region: call.region,
    completion: await collectCompletion(toOpenAiChunks(stream, call), call.model.upstreamId),
  };
}

async function* toOpenAiChunks(
  stream: ReadableStream<LanguageModelV4StreamPart>,
  call: UpstreamCall,
): AsyncGenerator<StreamChunk> {
  const id = `chatcmpl-${crypto.randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const model = call.model.upstreamId;
  const base = { id, object: "chat.completion.chunk", created, model };
  const make = (delta: ChatCompletionChunk["choices"][0]["delta"], finish: string | null = null): StreamChunk => ({
    chunk: { ...base, choices: [{ index: 0, delta, finish_reason: finish }] },
  });
  let toolIndex = 0;
  let sentRole = false;
  // A backstop for the output limit the budget reserved for: a provider that overruns it (an Ollama
  // that ignores num_predict) is cut there, and billed for what was sent: one token per piece (an
  // Ollama stream line is one token) and the prompt estimated, as the provider's count never comes.
  const cap = outputCap(call);
  let pieces = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value: part } = await reader.read();
      if (done) break;
      if (
        part.type === "tool-call" ||
        ((part.type === "text-delta" || part.type === "reasoning-delta") && part.delta)
      ) {
        if (pieces >= cap) {
          await reader.cancel().catch(() => {});
          yield make({}, "length");
          const prompt = tokensOfLength(promptLength(call.body.messages as Parameters<typeof promptLength>[0]));
          yield {
            chunk: {
              ...base,
              choices: [],
              usage: { prompt_tokens: prompt, completion_tokens: pieces, total_tokens: prompt + pieces },
            },
          };
          return;
        }
        pieces++;
      }
      if (!sentRole && (part.type === "text-delta" || part.type === "tool-call" || part.type === "reasoning-delta")) {
        sentRole = true;
        yield make({ role: "assistant", content: "" });
      }
      switch (part.type) {
        case "text-delta":
          if (part.delta) yield make({ content: part.delta });
          break;
        case "reasoning-delta":
          if (part.delta) yield make({ reasoning_content: part.delta });
          break;
        case "tool-call":
          yield make({
            tool_calls: [
              {
                index: toolIndex++,
                id: part.toolCallId,
                type: "function",
                function: { name: part.toolName, arguments: part.input },
              },
            ],
          });
          break;
        case "error":
          throw asUpstreamError(part.error, call);
        case "finish": {
          const reasons: Record<string, string> = {
            stop: "stop",
            length: "length",
            "content-filter": "content_filter",
            "tool-calls": "tool_calls",
          };
          const reason = reasons[part.finishReason.unified] ?? "stop";
          yield make({}, reason);
          const u = part.usage;
          if (u.inputTokens.total !== undefined || u.outputTokens.total !== undefined) {
            // Ollama leaves prompt_eval_count out when the prompt came from its cache (the provider
            // then says 0): a prompt is never 0 tokens, so it is estimated from the text instead.
            const prompt =
              u.inputTokens.total ||
              tokensOfLength(promptLength(call.body.messages as Parameters<typeof promptLength>[0]));
            const completion = u.outputTokens.total ?? 0;
            yield {
              chunk: {
                ...base,
                choices: [],
                usage: {
                  prompt_tokens: prompt,
                  completion_tokens: completion,
                  total_tokens: prompt + completion,
                  prompt_tokens_details: { cached_tokens: u.inputTokens.cacheRead ?? 0 },
                  completion_tokens_details: { reasoning_tokens: u.outputTokens.reasoning ?? 0 },
                },
              },
            };
          }
          return;
        }
      }
    }
  } catch (err) {
    throw asUpstreamError(err, call);
  } finally {
    reader.releaseLock();
  }
  throw new UpstreamError(
    `Upstream ${call.model.provider.name} stream ended before the answer finished`,
    502,
    false,
    "network",
  );
}

/** Folds a chunk stream into one chat.completion (used for non-streaming calls to translated providers). */
export async function collectCompletion(chunks: AsyncIterable<StreamChunk>, model: string): Promise<ChatCompletion> {
  let content = "";
  let finish: string | null = null;
  const tools: Array<{ id?: string; type: "function"; function: { name: string; arguments: string } }> = [];
  let usage: ChatCompletion["usage"];
  let id = `chatcmpl-${crypto.randomUUID()}`;
  for await (const { chunk } of chunks) {
    if (chunk.id) id = chunk.id;
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      if (choice.delta.content) content += choice.delta.content;
      for (const t of choice.delta.tool_calls ?? []) {
        const slot = (tools[t.index] ??= { id: t.id, type: "function", function: { name: "", arguments: "" } });
        if (t.id) slot.id = t.id;
        if (t.function?.name) slot.function.name += t.function.name;
        if (t.function?.arguments) slot.function.arguments += t.function.arguments;
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  return {
    id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: tools.length && !content ? null : content,
          ...(tools.length ? { tool_calls: tools } : {}),
        },
        finish_reason: finish,
      },
    ],
    ...(usage ? { usage } : {}),
  };
}
