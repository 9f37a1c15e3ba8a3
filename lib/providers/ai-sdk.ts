import "server-only";
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4Prompt, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { createAmazonBedrock } from "@ai-sdk/amazon-bedrock";
import { createOllama } from "ollama-ai-provider-v2";
import { APICallError } from "@ai-sdk/provider";
import { config } from "@/lib/config";
import type { ChatCompletion, ChatCompletionChunk, ResolvedModel, StreamChunk, UpstreamCall, UpstreamCompletion, UpstreamStream } from "./types";
import { UpstreamError } from "./types";
import { providerFetch, refusedUpstreamError } from "./http";
import { toLanguageModelPrompt, toCallOptions } from "./openai-to-ai-sdk";

// Bedrock and Ollama speak their own wire formats; the AI SDK providers translate, and this file
// turns their stream parts back into OpenAI chat.completion.chunk objects.

function languageModel(model: ResolvedModel, region: string | undefined): LanguageModelV4 {
  const p = model.provider;
  if (p.kind === "OLLAMA") {
    const base = (p.baseUrl ?? "http://127.0.0.1:11434").replace(/\/+$/, "");
    return createOllama({ baseURL: `${base}/api`, fetch: providerFetch })(model.upstreamId) as unknown as LanguageModelV4;
  }
  return bedrockProvider(p, region)(model.upstreamId) as unknown as LanguageModelV4;
}

/** The AI SDK's Bedrock provider for one of our providers in one region (chat models and embedding models alike). */
export function bedrockProvider(p: ResolvedModel["provider"], region: string | undefined) {
  const cfg = config();
  const baseURL = p.baseUrl ? p.baseUrl.replace("{region}", region ?? "us-east-1").replace(/\/+$/, "") : cfg.BEDROCK_ENDPOINT_URL;
  return createAmazonBedrock({
    region,
    accessKeyId: p.awsAccessKeyId ?? cfg.AWS_ACCESS_KEY_ID,
    secretAccessKey: p.awsSecretAccessKey ?? cfg.AWS_SECRET_ACCESS_KEY,
    sessionToken: p.awsAccessKeyId ? undefined : cfg.AWS_SESSION_TOKEN,
    baseURL,
    fetch: providerFetch,
  });
}

export function asUpstreamError(err: unknown, provider: string): unknown {
  if (err instanceof UpstreamError) return err;
  const refused = refusedUpstreamError(err);
  if (refused) return refused;
  if (APICallError.isInstance(err)) {
    const status = err.statusCode ?? 502;
    return new UpstreamError(`Upstream ${provider} answered ${status}: ${err.message.slice(0, 300)}`, status, err.isRetryable || status === 429 || status >= 500);
  }
  if (err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError")) return err;
  return new UpstreamError(`Upstream ${provider} failed: ${err instanceof Error ? err.message.slice(0, 300) : "unknown error"}`, 502, true, "network");
}

async function openStream(call: UpstreamCall): Promise<{ stream: ReadableStream<LanguageModelV4StreamPart>; options: LanguageModelV4CallOptions }> {
  const prompt: LanguageModelV4Prompt = toLanguageModelPrompt(call.body.messages);
  const options = { ...toCallOptions(call.body), prompt, abortSignal: call.signal };
  try {
    const result = await languageModel(call.model, call.region).doStream(options);
    return { stream: result.stream, options };
  } catch (err) {
    throw asUpstreamError(err, call.model.provider.name);
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
  return { region: call.region, completion: await collectCompletion(toOpenAiChunks(stream, call), call.model.upstreamId) };
}

async function* toOpenAiChunks(stream: ReadableStream<LanguageModelV4StreamPart>, call: UpstreamCall): AsyncGenerator<StreamChunk> {
  const id = `chatcmpl-${crypto.randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const model = call.model.upstreamId;
  const base = { id, object: "chat.completion.chunk", created, model };
  const make = (delta: ChatCompletionChunk["choices"][0]["delta"], finish: string | null = null): StreamChunk => ({
    chunk: { ...base, choices: [{ index: 0, delta, finish_reason: finish }] },
  });
  let toolIndex = 0;
  let sentRole = false;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value: part } = await reader.read();
      if (done) break;
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
          yield make({ tool_calls: [{ index: toolIndex++, id: part.toolCallId, type: "function", function: { name: part.toolName, arguments: part.input } }] });
          break;
        case "error":
          throw asUpstreamError(part.error, call.model.provider.name);
        case "finish": {
          const reasons: Record<string, string> = { stop: "stop", length: "length", "content-filter": "content_filter", "tool-calls": "tool_calls" };
          const reason = reasons[part.finishReason.unified] ?? "stop";
          yield make({}, reason);
          const u = part.usage;
          if (u.inputTokens.total !== undefined || u.outputTokens.total !== undefined) {
            const prompt = u.inputTokens.total ?? 0;
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
    throw asUpstreamError(err, call.model.provider.name);
  } finally {
    reader.releaseLock();
  }
  throw new UpstreamError(`Upstream ${call.model.provider.name} stream ended before the answer finished`, 502, false, "network");
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
    choices: [{ index: 0, message: { role: "assistant", content: tools.length && !content ? null : content, ...(tools.length ? { tool_calls: tools } : {}) }, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  };
}
