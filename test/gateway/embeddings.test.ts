// POST /v1/embeddings with the real clients — the official OpenAI SDK (float and base64), the AI SDK's
// OpenAI provider (embed, embedMany) and LangChain's OpenAIEmbeddings — against OpenAI-wire, Bedrock
// (Titan, Cohere) and Ollama fakes; billed by input tokens at the input price, like chat.

import { createOpenAI } from "@ai-sdk/openai";
import { OpenAIEmbeddings } from "@langchain/openai";
import { embed, embedMany } from "ai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModel } from "@/lib/providers/admin";
import { DEFAULT_DIMENSIONS, fakeEmbedding } from "../fake-upstream/embeddings.mjs";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { startInFreshMinute } from "../helpers/clock";
import { gatewayFetch, sdk, seedProviders, userWithKey } from "../helpers/gateway";
import { inFlight, NOTHING_IN_FLIGHT, recordOf, walletOf } from "../helpers/money";

const up = await startFakeUpstream();
let key = "";
const BASE = "http://tollgate.test/v1";

beforeAll(async () => {
  await startApp();
  const p = await seedProviders(up);
  for (const [publicId, providerId, upstreamId] of [
    ["emb-openai", p.openai, "text-embedding-3-small"],
    ["emb-compat", p.compat, "bge-m3"],
    ["emb-titan", p.bedrock, "amazon.titan-embed-text-v2:0"],
    ["emb-cohere", p.bedrock, "cohere.embed-english-v3"],
    ["emb-ollama", p.ollama, "nomic-embed-text"],
    ["emb-failing", p.compat, "bge-m3:fail=500"],
    ["emb-slow", p.compat, "bge-m3:delay=3000"],
  ] as const) {
    await createModel({ publicId, providerId, upstreamId, kind: "EMBEDDING", inputPrice: "1", outputPrice: "0" });
  }
  ({ key } = await userWithKey());
});
afterAll(() => up.close());

const tokensOf = (text: string) => Math.max(1, Math.ceil(text.length / 4));
const dimsOf: Record<string, number> = { "emb-titan": 1024, "emb-cohere": 1024 };
const close = (got: ArrayLike<number>, want: number[]) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 6);
};

describe.each(["emb-openai", "emb-compat", "emb-titan", "emb-cohere", "emb-ollama"])(
  "openai embeddings.create against %s",
  (model) => {
    const dims = dimsOf[model] ?? DEFAULT_DIMENSIONS;

    it("answers floats for a list of texts, in order, with usage and cost", async () => {
      const input = ["the quick brown fox", "jumps over the lazy dog", "hi"];
      const res = await sdk(key).embeddings.create({ model, input, encoding_format: "float" }).withResponse();
      expect(res.data.object).toBe("list");
      expect(res.data.model).toBe(model);
      expect(res.data.data.map((d) => d.index)).toEqual([0, 1, 2]);
      res.data.data.forEach((d, i) => close(d.embedding, fakeEmbedding(input[i], dims)));
      const tokens = input.reduce((n, t) => n + tokensOf(t), 0);
      expect(res.data.usage).toMatchObject({ prompt_tokens: tokens, total_tokens: tokens });
      // $1 per million input tokens: one micro-dollar a token
      expect(res.response.headers.get("x-tollgate-cost")).toBe((tokens / 1e6).toFixed(6));
    });

    it("answers base64 (the SDK's default), decoded by the SDK to the same vector", async () => {
      const res = await sdk(key).embeddings.create({ model, input: "one text" });
      close(res.data[0].embedding, fakeEmbedding("one text", dims));
      const raw = await gatewayFetch(`${BASE}/embeddings`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model, input: "one text", encoding_format: "base64" }),
      });
      const body = (await raw.json()) as { data: Array<{ embedding: string }> };
      expect(typeof body.data[0].embedding).toBe("string");
      const bytes = Buffer.from(body.data[0].embedding, "base64");
      close(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4), fakeEmbedding("one text", dims));
    });
  },
);

describe("embedding options and refusals", () => {
  it("honours dimensions on OpenAI-wire, Titan and Ollama models", async () => {
    const client = sdk(key);
    for (const [model, dimensions] of [
      ["emb-openai", 4],
      ["emb-titan", 256],
      ["emb-ollama", 3],
    ] as const) {
      const res = await client.embeddings.create({
        model,
        input: "shorter vectors",
        dimensions,
        encoding_format: "float",
      });
      close(res.data[0].embedding, fakeEmbedding("shorter vectors", dimensions));
    }
  });

  it("passes token arrays to OpenAI-wire models and refuses them, clearly, for others", async () => {
    const res = await sdk(key).embeddings.create({
      model: "emb-openai",
      input: [
        [1, 2, 3],
        [4, 5],
      ],
      encoding_format: "float",
    });
    expect(res.usage.prompt_tokens).toBe(5);
    close(res.data[1].embedding, fakeEmbedding([4, 5] as unknown as string, DEFAULT_DIMENSIONS));
    const err = await sdk(key)
      .embeddings.create({ model: "emb-ollama", input: [1, 2, 3] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toMatch(/token arrays/);
  });

  it("answers a dimension the model does not take with a 400 naming it", async () => {
    const err = await sdk(key)
      .embeddings.create({ model: "emb-titan", input: "x", dimensions: 300 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toMatch(/dimensions/);
  });

  it("refuses bad input with a 400 that names the field", async () => {
    for (const body of [
      { model: "emb-openai", input: "" },
      { model: "emb-openai", input: [] },
      { model: "emb-openai" },
      { model: "emb-openai", input: "x", encoding_format: "int8" },
    ]) {
      const res = await gatewayFetch(`${BASE}/embeddings`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: { type: string; param: string | null; message: string } };
      expect(json.error.type).toBe("invalid_request_error");
      expect(json.error.message).toMatch(/input|encoding_format/);
    }
  });

  it("tells a client that asks a chat model for embeddings, or an embedding model to chat, which endpoint to use", async () => {
    const err = await sdk(key)
      .embeddings.create({ model: "gpt-fake", input: "x" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toMatch(/chat model and cannot create embeddings/);
    const chat = await sdk(key)
      .chat.completions.create({ model: "emb-openai", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(chat).toBeInstanceOf(OpenAI.BadRequestError);
    expect((chat as Error).message).toMatch(/embedding model: call POST \/v1\/embeddings/);
  });

  it("lists each model's kind in /v1/models", async () => {
    const list = await sdk(key).models.list();
    const kinds = Object.fromEntries(list.data.map((m) => [m.id, (m as unknown as { kind: string }).kind]));
    expect(kinds).toMatchObject({ "gpt-fake": "chat", "emb-openai": "embedding", "emb-titan": "embedding" });
  });
});

describe("other clients", () => {
  it("AI SDK embed and embedMany through @ai-sdk/openai pointed at Tollgate", async () => {
    const provider = createOpenAI({ baseURL: BASE, apiKey: key, fetch: gatewayFetch });
    const one = await embed({ model: provider.embedding("emb-compat"), value: "sunny day at the beach" });
    close(one.embedding, fakeEmbedding("sunny day at the beach", DEFAULT_DIMENSIONS));
    expect(one.usage.tokens).toBe(tokensOf("sunny day at the beach"));
    const values = ["rainy day", "snowy mountain", "foggy harbour"];
    const many = await embedMany({ model: provider.embedding("emb-ollama"), values, maxRetries: 0 });
    many.embeddings.forEach((e, i) => close(e, fakeEmbedding(values[i], DEFAULT_DIMENSIONS)));
  });

  it("LangChain's OpenAIEmbeddings", async () => {
    const embeddings = new OpenAIEmbeddings({
      model: "emb-titan",
      apiKey: key,
      configuration: { baseURL: BASE, fetch: gatewayFetch },
      maxRetries: 0,
    });
    const docs = await embeddings.embedDocuments(["first document", "second document"]);
    close(docs[1], fakeEmbedding("second document", 1024));
    const query = await embeddings.embedQuery("what is in the documents?");
    close(query, fakeEmbedding("what is in the documents?", 1024));
  });
});

describe("billing and limits, as for chat", () => {
  const post = (k: string, body: unknown, requestId: string, signal?: AbortSignal) =>
    gatewayFetch(`${BASE}/embeddings`, {
      method: "POST",
      headers: { authorization: `Bearer ${k}`, "content-type": "application/json", "x-request-id": requestId },
      body: JSON.stringify(body),
      signal,
    });

  it("charges exactly the input tokens at the input price, to the ledger and the record", async () => {
    const { key: k, keyId } = await userWithKey({ limits: { balance: 1_000_000n } });
    const input = ["a".repeat(40), "b".repeat(8)];
    const res = await post(k, { model: "emb-cohere", input }, "emb-charge");
    expect(res.status).toBe(200);
    const r = await recordOf("emb-charge");
    // Cohere reports its count in a header only: the record must say it is the provider's, not an estimate
    expect(r).toMatchObject({
      status: "OK",
      promptTokens: 12,
      completionTokens: 0,
      cost: 12n,
      providerName: "bedrock-test",
      usageEstimated: false,
    });
    expect((await walletOf(keyId)).balance).toBe(1_000_000n - 12n);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("refuses a request the balance cannot cover, charges nothing and never calls the upstream", async () => {
    const { key: k, keyId } = await userWithKey({ limits: { balance: 5n } });
    const before = up.requests.length;
    const res = await post(k, { model: "emb-openai", input: "x".repeat(200) }, "emb-refused");
    expect(res.status).toBe(402);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("insufficient_quota");
    expect(up.requests.length).toBe(before);
    expect((await walletOf(keyId)).balance).toBe(5n);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("applies the key's request-per-minute limit", async () => {
    startInFreshMinute();
    const { key: k } = await userWithKey({ limits: { rpm: 1 } });
    expect((await post(k, { model: "emb-openai", input: "one" }, "emb-rpm-1")).status).toBe(200);
    const second = await post(k, { model: "emb-openai", input: "two" }, "emb-rpm-2");
    expect(second.status).toBe(429);
  });

  it("charges nothing when the upstream fails, and records the error", async () => {
    const { key: k, keyId } = await userWithKey({ limits: { balance: 1_000_000n } });
    const res = await post(k, { model: "emb-failing", input: "doomed" }, "emb-upstream-fails");
    expect(res.status).toBe(502);
    expect(await recordOf("emb-upstream-fails")).toMatchObject({ status: "ERROR", cost: 0n });
    expect((await walletOf(keyId)).balance).toBe(1_000_000n);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("charges nothing when the client leaves before the answer", async () => {
    const { key: k, keyId } = await userWithKey({ limits: { balance: 1_000_000n } });
    const controller = new AbortController();
    const pending = post(k, { model: "emb-slow", input: "left" }, "emb-client-left", controller.signal);
    await expect.poll(() => up.requests.some((r) => r.model === "bge-m3:delay=3000")).toBe(true);
    controller.abort();
    expect((await pending.catch(() => null))?.status ?? 499).toBe(499);
    await expect.poll(async () => (await recordOf("emb-client-left")).status).toBe("ABORTED");
    expect((await walletOf(keyId)).balance).toBe(1_000_000n);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("keys limited to other models may not use it", async () => {
    const { key: k } = await userWithKey({ allowedModels: ["gpt-fake"] });
    const err = await sdk(k)
      .embeddings.create({ model: "emb-openai", input: "x" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
  });
});
