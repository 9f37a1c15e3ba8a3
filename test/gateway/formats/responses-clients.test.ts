// The Responses API as other real clients call it: the AI SDK's default OpenAI provider
// (`openai(id)` speaks /v1/responses) and LangChain's ChatOpenAI with useResponsesApi.

import { createOpenAI } from "@ai-sdk/openai";
import { ChatOpenAI } from "@langchain/openai";
import { generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModel } from "@/lib/providers/admin";
import { startFakeUpstream } from "../../fake-upstream/server.mjs";
import { startApp } from "../../helpers/app";
import { gatewayFetch, seedProviders, userWithKey } from "../../helpers/gateway";
import { recordOf } from "../../helpers/money";

const up = await startFakeUpstream();
let key = "";

beforeAll(async () => {
  await startApp();
  const providers = await seedProviders(up);
  await createModel({
    publicId: "tool-fake",
    providerId: providers.compat,
    upstreamId: "fake-model:tool",
    inputPrice: "1",
    outputPrice: "2",
  });
  ({ key } = await userWithKey());
});
afterAll(() => up.close());

const weatherTool = tool({
  description: "Weather for a city",
  inputSchema: jsonSchema<{ city: string }>({
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  }),
  execute: async ({ city }) => `sunny in ${city}`,
});

describe("the AI SDK's default OpenAI provider (Responses API)", () => {
  const provider = () => createOpenAI({ baseURL: "http://tollgate.test/v1", apiKey: key, fetch: gatewayFetch });

  it.each(["gpt-fake", "ollama-fake"])("generateText with %s", async (model) => {
    const result = await generateText({
      model: provider()(model),
      prompt: "hello from the AI SDK",
      headers: { "x-request-id": `aisdk-gen-${model}` },
    });
    expect(result.text).toBe("tok0 tok1 tok2 tok3 tok4 ");
    expect(result.usage.outputTokens).toBe(5);
    const r = await recordOf(`aisdk-gen-${model}`);
    expect([r.status, r.completionTokens]).toEqual(["OK", 5]);
  });

  it("streamText with a tool: the call streams, runs, and its result is answered", async () => {
    const result = streamText({
      model: provider()("tool-fake"),
      prompt: "weather in Paris?",
      tools: { get_weather: weatherTool },
      stopWhen: stepCountIs(2),
    });
    const parts: string[] = [];
    for await (const part of result.fullStream) parts.push(part.type);
    const steps = await result.steps;
    expect(steps[0].toolCalls).toMatchObject([{ toolName: "get_weather", input: { city: "Paris" } }]);
    expect(steps[0].toolResults).toMatchObject([{ output: "sunny in Paris" }]);
    expect(parts).toContain("tool-input-delta");
    expect(await result.text).toBe("tool result received: sunny in Paris");
    expect((await result.totalUsage).outputTokens).toBeGreaterThan(0);
  });
});

describe("LangChain ChatOpenAI with useResponsesApi", () => {
  const chat = (model: string) =>
    new ChatOpenAI({
      model,
      apiKey: key,
      useResponsesApi: true,
      configuration: { baseURL: "http://tollgate.test/v1", fetch: gatewayFetch },
      maxRetries: 0,
    });

  it("invokes", async () => {
    const reply = await chat("compat-fake").invoke("echo: from langchain");
    expect(reply.text).toBe("from langchain");
    expect(reply.usage_metadata).toMatchObject({ output_tokens: 2 });
  });

  it("streams", async () => {
    const pieces: string[] = [];
    for await (const chunk of await chat("bedrock-fake").stream("stream please"))
      if (chunk.text) pieces.push(chunk.text);
    expect(pieces.join("")).toBe("tok0 tok1 tok2 tok3 tok4 ");
    expect(pieces.length).toBeGreaterThan(1);
  });

  it("binds a tool and gets its call", async () => {
    const reply = await chat("tool-fake")
      .bindTools([
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Weather for a city",
            parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          },
        },
      ])
      .invoke("weather in Paris?");
    expect(reply.tool_calls).toMatchObject([{ name: "get_weather", args: { city: "Paris" } }]);
  });
});
