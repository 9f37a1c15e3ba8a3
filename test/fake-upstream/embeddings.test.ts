// The fake upstream's embeddings endpoints answer like the real services: deterministic vectors,
// dimensions honoured, token usage where each service reports it, and the fail/delay directives.

import { AwsV4Signer } from "aws4fetch";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_DIMENSIONS, fakeEmbedding } from "./embeddings.mjs";
import { startFakeUpstream } from "./server.mjs";

const up = await startFakeUpstream({ apiKey: "sk-fake" });
afterAll(() => up.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${up.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
const auth = { authorization: "Bearer sk-fake" };

/** InvokeModel in us-east-1, signed as the AI SDK signs it (the fake checks SigV4 as Bedrock does). */
async function invoke(modelId: string, body: unknown) {
  const url = `${up.url}/us-east-1/model/${encodeURIComponent(modelId)}/invoke`;
  const signed = await new AwsV4Signer({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    service: "bedrock",
    region: "us-east-1",
    accessKeyId: "AKIDTEST",
    secretAccessKey: "bedrock-secret",
  }).sign();
  return fetch(url, { method: "POST", headers: signed.headers, body: JSON.stringify(body) });
}

describe("fake embeddings", () => {
  it("OpenAI wire: floats or base64, dimensions, usage, and the API key checked", async () => {
    const res = await post(
      "/v1/embeddings",
      { model: "text-embedding-3-small", input: ["abcdefgh", "xy"], dimensions: 3 },
      auth,
    );
    const body = (await res.json()) as { data: Array<{ embedding: number[] }>; usage: { prompt_tokens: number } };
    expect(body.data.map((d) => d.embedding)).toEqual([fakeEmbedding("abcdefgh", 3), fakeEmbedding("xy", 3)]);
    expect(Math.hypot(...body.data[0].embedding)).toBeCloseTo(1, 5);
    expect(body.usage.prompt_tokens).toBe(3);
    const b64 = (await (
      await post("/v1/embeddings", { model: "m", input: "abcdefgh", encoding_format: "base64" }, auth)
    ).json()) as { data: Array<{ embedding: string }> };
    const bytes = Buffer.from(b64.data[0].embedding, "base64");
    expect([...new Float32Array(bytes.buffer, bytes.byteOffset, DEFAULT_DIMENSIONS)]).toEqual(
      fakeEmbedding("abcdefgh"),
    );
    expect((await post("/v1/embeddings", { model: "m", input: "x" })).status).toBe(401);
  });

  it("Bedrock InvokeModel refuses an unsigned call as Bedrock does", async () => {
    expect(
      (await post("/us-east-1/model/cohere.embed-english-v3/invoke", { texts: ["a"], input_type: "search_query" }))
        .status,
    ).toBe(403);
  });

  it("Bedrock InvokeModel: Titan (one text, its dimensions) and Cohere (a batch, its count in a header)", async () => {
    const titan = await invoke("amazon.titan-embed-text-v2:0", { inputText: "hello world!", dimensions: 256 });
    expect(await titan.json()).toEqual({ embedding: fakeEmbedding("hello world!", 256), inputTextTokenCount: 3 });
    expect((await invoke("amazon.titan-embed-text-v2:0", { inputText: "x", dimensions: 300 })).status).toBe(400);
    const cohere = await invoke("cohere.embed-english-v3", { texts: ["a", "bcdef"], input_type: "search_query" });
    expect(cohere.headers.get("x-amzn-bedrock-input-token-count")).toBe("3");
    expect(((await cohere.json()) as { embeddings: number[][] }).embeddings[1]).toEqual(fakeEmbedding("bcdef", 1024));
  });

  it("Ollama /api/embed, and the fail and delay directives on every wire", async () => {
    const res = await post("/api/embed", { model: "nomic-embed-text", input: ["one", "two"] });
    expect(await res.json()).toMatchObject({
      embeddings: [fakeEmbedding("one"), fakeEmbedding("two")],
      prompt_eval_count: 2,
    });
    expect((await post("/api/embed", { model: "nomic-embed-text:fail=503", input: "x" })).status).toBe(503);
    expect(
      (await invoke("cohere.embed-english-v3:fail=429", { texts: ["a"], input_type: "search_query" })).status,
    ).toBe(429);
    up.setBehavior({ failNext: { status: 500 } });
    expect((await post("/v1/embeddings", { model: "m", input: "x" }, auth)).status).toBe(500);
    const started = Date.now();
    expect((await post("/v1/embeddings", { model: "m:delay=150", input: "x" }, auth)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
