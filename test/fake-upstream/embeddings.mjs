// Embeddings on the three wires the gateway speaks: OpenAI POST /v1/embeddings, Bedrock InvokeModel
// (POST /model/{id}/invoke with a Titan or Cohere body), Ollama POST /api/embed.
//
// Vectors are deterministic: the same text (or token array) and length always give the same unit
// vector, so tests can compare them across wires. `dimensions` is honoured where the real service
// takes it. Token counts follow the shared rule (one per 4 characters, at least 1; a token array
// counts its length) and are reported where the real service reports them: OpenAI `usage`, Titan
// `inputTextTokenCount`, Cohere the `x-amzn-bedrock-input-token-count` header, Ollama
// `prompt_eval_count`. The fail/delay directives and setBehavior() apply as for chat.

import { admit, bedrockError } from "./bedrock.mjs";
import { promptTokens } from "./directives.mjs";
import { openaiError } from "./openai.mjs";

/** The dimensions each wire answers with when none are asked for (small, to keep tests light). */
export const DEFAULT_DIMENSIONS = 8;

/** A unit vector from the input, seeded by its FNV-1a hash. */
export function fakeEmbedding(item, dimensions = DEFAULT_DIMENSIONS) {
  let seed = 0x811c9dc5;
  for (const ch of typeof item === "string" ? item : JSON.stringify(item))
    seed = Math.imul(seed ^ ch.codePointAt(0), 0x01000193) >>> 0;
  const v = [];
  for (let i = 0; i < dimensions; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    v.push(seed / 0x100000000 - 0.5);
  }
  const norm = Math.hypot(...v) || 1;
  // float32 values, so a base64 answer decodes to exactly the same numbers as a float one
  return v.map((x) => Math.fround(x / norm));
}

const tokensOf = (item) => (typeof item === "string" ? promptTokens([{ text: item }]) : item.length);
const itemsOf = (input) =>
  typeof input === "string" || (Array.isArray(input) && typeof input[0] === "number")
    ? [input]
    : Array.isArray(input)
      ? input
      : [];

function count(ctx, tokens) {
  ctx.served(tokens, 0, 0);
  ctx.reported(tokens, 0);
}

function toBase64(vector) {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString("base64");
}

function openaiEmbeddings(ctx) {
  const body = ctx.body ?? {};
  const items = itemsOf(body.input);
  if (items.length === 0 || items.some((i) => i === ""))
    return ctx.json(400, openaiError(400, "'input' must be a non-empty string or array", "invalid_request_error"));
  const dims = Number.isInteger(body.dimensions) && body.dimensions > 0 ? body.dimensions : DEFAULT_DIMENSIONS;
  const tokens = items.reduce((n, i) => n + tokensOf(i), 0);
  count(ctx, tokens);
  ctx.json(200, {
    object: "list",
    data: items.map((item, index) => {
      const v = fakeEmbedding(item, dims);
      return { object: "embedding", index, embedding: body.encoding_format === "base64" ? toBase64(v) : v };
    }),
    model: body.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

function bedrockInvoke(ctx, modelId) {
  const body = ctx.body ?? {};
  if (modelId.includes("cohere.embed-")) {
    if (!Array.isArray(body.texts) || body.texts.length === 0 || body.texts.length > 96 || !body.input_type) {
      return bedrockError(ctx, 400, "Malformed input request: texts (1-96) and input_type are required");
    }
    const dims = body.output_dimension ?? 1024;
    const tokens = body.texts.reduce((n, t) => n + tokensOf(String(t)), 0);
    count(ctx, tokens);
    return ctx.json(
      200,
      {
        id: `emb-${ctx.entry.id}`,
        response_type: "embeddings_floats",
        texts: body.texts,
        embeddings: body.texts.map((t) => fakeEmbedding(String(t), dims)),
      },
      { "x-amzn-bedrock-input-token-count": String(tokens) },
    );
  }
  if (typeof body.inputText !== "string" || body.inputText === "")
    return bedrockError(ctx, 400, "Malformed input request: inputText is required");
  // Titan v2 takes 256, 512 or 1024 (default 1024); v1 always answers 1536.
  const v2 = modelId.includes("titan-embed-text-v2");
  if (v2 && body.dimensions !== undefined && ![256, 512, 1024].includes(body.dimensions))
    return bedrockError(ctx, 400, "dimensions must be 256, 512 or 1024");
  const dims = v2 ? (body.dimensions ?? 1024) : 1536;
  const tokens = tokensOf(body.inputText);
  count(ctx, tokens);
  ctx.json(200, { embedding: fakeEmbedding(body.inputText, dims), inputTextTokenCount: tokens });
}

function ollamaEmbed(ctx) {
  const body = ctx.body ?? {};
  const items = itemsOf(body.input).map(String);
  if (items.length === 0) return ctx.json(400, { error: "input is required" });
  const dims = Number.isInteger(body.dimensions) && body.dimensions > 0 ? body.dimensions : DEFAULT_DIMENSIONS;
  const tokens = items.reduce((n, i) => n + tokensOf(i), 0);
  count(ctx, tokens);
  ctx.json(200, {
    model: body.model,
    embeddings: items.map((i) => fakeEmbedding(i, dims)),
    total_duration: 1000,
    load_duration: 100,
    prompt_eval_count: tokens,
  });
}

/** The handler for an embeddings request, or null when the request is not one. `inference` applies auth and directives. */
export function route(ctx, inference) {
  const { req, url, body } = ctx;
  if (req.method !== "POST") return null;
  const p = url.pathname;
  if (p === "/v1/embeddings" || p === "/embeddings")
    return inference(ctx, "openai", body?.model, () => openaiEmbeddings(ctx));
  if (p === "/api/embed") return inference(ctx, "ollama", body?.model, () => ollamaEmbed(ctx));
  // InvokeModel per region as Converse (/{region}/model/...), its SigV4 signature checked the same way.
  const match = /^(?:\/([a-z]{2}(?:-[a-z]+)+-\d))?\/model\/([^/]+)\/invoke$/.exec(p);
  const modelId = match ? decodeURIComponent(match[2]) : "";
  if (!modelId.includes("embed")) return null;
  ctx.entry.model = modelId;
  if (!admit(ctx, { region: match[1] ?? null, modelId })) return Promise.resolve();
  return inference(ctx, "bedrock", modelId, () => bedrockInvoke(ctx, modelId));
}
