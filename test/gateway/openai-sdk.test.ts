import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { streamText } from "ai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { gatewayFetch, sdk, seedProviders, userWithKey } from "../helpers/gateway";

const up = await startFakeUpstream();
let key = "";

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
  ({ key } = await userWithKey());
});
afterAll(() => up.close());

const MODELS = ["gpt-fake", "compat-fake", "ollama-fake", "bedrock-fake"] as const;
const weather = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe.each(MODELS)("the official OpenAI SDK against %s", (model) => {
  it("answers without streaming, with usage and cost", async () => {
    const res = await sdk(key)
      .chat.completions.create({ model, messages: [{ role: "user", content: "hello there" }] })
      .withResponse();
    expect(res.data.choices[0].message.content).toBe("tok0 tok1 tok2 tok3 tok4 ");
    expect(res.data.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });
    // $1 / $2 per million tokens: 3 × 1 + 5 × 2 = 13 micro-dollars
    expect((res.data.usage as unknown as { cost: string }).cost).toBe("0.000013");
    expect(res.response.headers.get("x-tollgate-cost")).toBe("0.000013");
    expect(res.response.headers.get("x-request-id")).toBeTruthy();
  });

  it("streams with include_usage, chunk by chunk", async () => {
    const stream = await sdk(key).chat.completions.create({
      model: `${model}`,
      messages: [{ role: "user", content: "stream please" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const d = chunk.choices[0]?.delta?.content;
      if (d) deltas.push(d);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas).toEqual(["tok0 ", "tok1 ", "tok2 ", "tok3 ", "tok4 "]);
    expect(usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 5 });
  });

  it("round-trips a tool call", async () => {
    const client = sdk(key);
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "weather in Paris?" }];
    // The fake upstream answers with a tool call when the upstream model id carries `:tool`.
    const db = await getDb();
    await db.model.update({ where: { publicId: model }, data: { upstreamId: upstreamWith(model, "tool") } });
    await refreshCatalog();
    const call = await client.chat.completions.create({ model, messages, tools: [weather] });
    const toolCall = call.choices[0].message.tool_calls?.[0];
    expect(call.choices[0].finish_reason).toBe("tool_calls");
    expect(toolCall).toMatchObject({ type: "function", function: { name: "get_weather" } });
    expect(JSON.parse((toolCall as { function: { arguments: string } }).function.arguments)).toEqual({ city: "Paris" });
    const answer = await client.chat.completions.create({
      model,
      tools: [weather],
      messages: [
        ...messages,
        call.choices[0].message,
        { role: "tool", tool_call_id: toolCall!.id, content: "sunny, 21C" },
      ],
    });
    expect(answer.choices[0].message.content).toBe("tool result received: sunny, 21C");
    await db.model.update({ where: { publicId: model }, data: { upstreamId: upstreamWith(model, null) } });
    await refreshCatalog();
  });

  it("answers an unknown model with NotFoundError", async () => {
    await expect(
      sdk(key).chat.completions.create({ model: `${model}-nope`, messages: [{ role: "user", content: "x" }] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

function upstreamWith(model: (typeof MODELS)[number], directive: string | null): string {
  const base = {
    "gpt-fake": "fake-model",
    "compat-fake": "fake-model",
    "ollama-fake": "llama3.2:latest",
    "bedrock-fake": "fake",
  }[model];
  return directive ? `${base}:${directive}` : base;
}

async function refreshCatalog() {
  const { invalidateCatalog } = await import("@/lib/providers/catalog");
  invalidateCatalog();
}

describe("GET /v1/models", () => {
  it("lists the enabled models with prices", async () => {
    const list = await sdk(key).models.list();
    const ids = list.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining([...MODELS]));
  });
});

describe("@ai-sdk/openai-compatible pointed at Tollgate", () => {
  it("streams a reply", async () => {
    const provider = createOpenAICompatible({
      name: "tollgate",
      baseURL: "http://tollgate.test/v1",
      apiKey: key,
      fetch: gatewayFetch,
      includeUsage: true,
    });
    const result = streamText({ model: provider.chatModel("compat-fake"), prompt: "hello from the AI SDK" });
    const parts: string[] = [];
    for await (const text of result.textStream) parts.push(text);
    expect(parts.join("")).toBe("tok0 tok1 tok2 tok3 tok4 ");
    expect(parts.length).toBeGreaterThan(1);
    const usage = await result.usage;
    expect(usage.outputTokens).toBe(5);
  });
});

describe("request records", () => {
  it("records every request with tokens, cost, provider and latency", async () => {
    await flushRecords();
    const db = await getDb();
    const rows = await db.request.findMany({ where: { model: "bedrock-fake", status: "OK" } });
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.providerName).toBe("bedrock-test");
      expect(["us-east-1", "eu-west-1"]).toContain(r.region);
      expect(r.completionTokens).toBeGreaterThan(0);
      expect(r.latencyMs).not.toBeNull();
      expect(r.settledAt).not.toBeNull();
    }
  });
});
