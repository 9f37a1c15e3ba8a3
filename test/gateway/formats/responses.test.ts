// POST /v1/responses with the official OpenAI SDK, on every kind of provider (translated through
// chat completions, but passed through on an OpenAI one: see responses-native.test.ts): create, stream with the typed events, tools, JSON schema, images, store and
// chain by previous_response_id, retrieve, list input items, delete — and someone else's stored
// response is a 404. Billing is that of chat completions, also for a stream cut short.

import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModel } from "@/lib/providers/admin";
import { startFakeUpstream } from "../../fake-upstream/server.mjs";
import { startApp } from "../../helpers/app";
import { gatewayFetch, sdk, seedProviders, userWithKey } from "../../helpers/gateway";
import { inFlight, NOTHING_IN_FLIGHT, recordOf, walletOf } from "../../helpers/money";

const up = await startFakeUpstream();
let key = "";
const BALANCE = 1_000_000n;

beforeAll(async () => {
  await startApp();
  const providers = await seedProviders(up);
  for (const [publicId, upstreamId] of [
    ["tool-fake", "fake-model:tool"],
    ["cut-fake", "fake-model:chunks=20:cut=3"],
    ["long-fake", "fake-model:chunks=200:idle=20"],
  ] as const) {
    await createModel({ publicId, providerId: providers.compat, upstreamId, inputPrice: "1", outputPrice: "2" });
  }
  ({ key } = await userWithKey());
});
afterAll(() => up.close());

const MODELS = ["gpt-fake", "compat-fake", "ollama-fake", "bedrock-fake"] as const;
const weather = {
  type: "function" as const,
  name: "get_weather",
  description: "Weather for a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
  strict: true,
};
const lastUpstreamBody = () =>
  up.requests.filter((r) => r.model !== undefined).at(-1)!.body as {
    messages: Array<{ role: string; content: unknown }>;
    [k: string]: unknown;
  };

describe.each(MODELS)("responses.create against %s", (model) => {
  it("answers a string input, with instructions, usage and cost", async () => {
    const res = await sdk(key)
      .responses.create({ model, input: "hello there", instructions: "Be brief." })
      .withResponse();
    expect(res.data.object).toBe("response");
    expect(res.data.status).toBe("completed");
    expect(res.data.output_text).toBe("tok0 tok1 tok2 tok3 tok4 ");
    expect(res.data.model).toBe(model);
    expect(res.data.usage).toMatchObject({ output_tokens: 5, total_tokens: res.data.usage!.input_tokens + 5 });
    expect(res.response.headers.get("x-tollgate-cost")).toBe((res.data.usage as unknown as { cost: string }).cost);
  });

  it("streams the typed event sequence, ending in response.completed with usage", async () => {
    const stream = await sdk(key).responses.create({ model, input: "stream please", stream: true });
    const types: string[] = [];
    const events: Array<{ type: string; sequence_number: number } & Record<string, unknown>> = [];
    let text = "";
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      events.push(event as unknown as (typeof events)[number]);
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") completed = event.response;
    }
    expect(text).toBe("tok0 tok1 tok2 tok3 tok4 ");
    expect(types.slice(0, 4)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
    ]);
    expect(types.filter((t) => t === "response.output_text.delta")).toHaveLength(5);
    expect(types.slice(-4)).toEqual([
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(completed?.usage?.output_tokens).toBe(5);
    expect(completed?.output[0]).toMatchObject({
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text: "tok0 tok1 tok2 tok3 tok4 " }],
    });
    // The events written out as text (lib/gateway/formats/responses.ts) carry exactly OpenAI's fields.
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const of = (type: string) => events.find((e) => e.type === type);
    const id = (of("response.output_item.added")?.item as { id: string }).id;
    expect(id).toMatch(/^msg_\w+$/);
    const whole = "tok0 tok1 tok2 tok3 tok4 ";
    const part = { type: "output_text", text: whole, annotations: [] };
    expect(of("response.output_item.added")).toEqual({
      type: "response.output_item.added",
      sequence_number: 2,
      output_index: 0,
      item: { type: "message", id, status: "in_progress", role: "assistant", content: [] },
    });
    expect(of("response.content_part.added")).toEqual({
      type: "response.content_part.added",
      sequence_number: 3,
      item_id: id,
      output_index: 0,
      content_index: 0,
      part: { ...part, text: "" },
    });
    const n = events.length;
    expect(events.slice(-4, -1)).toEqual([
      {
        type: "response.output_text.done",
        sequence_number: n - 4,
        item_id: id,
        output_index: 0,
        content_index: 0,
        text: whole,
        logprobs: [],
      },
      {
        type: "response.content_part.done",
        sequence_number: n - 3,
        item_id: id,
        output_index: 0,
        content_index: 0,
        part,
      },
      {
        type: "response.output_item.done",
        sequence_number: n - 2,
        output_index: 0,
        item: { type: "message", id, status: "completed", role: "assistant", content: [part] },
      },
    ]);
    expect(completed?.output).toEqual([
      { type: "message", id, status: "completed", role: "assistant", content: [part] },
    ]);
  });
});

describe("tools, formats and images", () => {
  it("calls a function tool and continues with its function_call_output (streamed arguments too)", async () => {
    const client = sdk(key);
    const call = await client.responses.create({ model: "tool-fake", input: "weather in Paris?", tools: [weather] });
    const fc = call.output.find((o): o is OpenAI.Responses.ResponseFunctionToolCall => o.type === "function_call")!;
    expect(fc).toMatchObject({ name: "get_weather", status: "completed" });
    expect(JSON.parse(fc.arguments)).toEqual({ city: "Paris" });
    expect(lastUpstreamBody().tools).toEqual([
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Weather for a city",
          parameters: weather.parameters,
          strict: true,
        },
      },
    ]);

    const answer = await client.responses.create({
      model: "tool-fake",
      previous_response_id: call.id,
      input: [{ type: "function_call_output", call_id: fc.call_id, output: "sunny, 21C" }],
      tools: [weather],
    });
    expect(answer.output_text).toBe("tool result received: sunny, 21C");
    const sent = lastUpstreamBody().messages;
    expect(sent.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);

    const stream = await client.responses.create({
      model: "tool-fake",
      input: "weather?",
      tools: [weather],
      stream: true,
    });
    let args = "";
    const added: string[] = [];
    for await (const event of stream) {
      if (event.type === "response.output_item.added") added.push(event.item.type);
      if (event.type === "response.function_call_arguments.delta") args += event.delta;
    }
    expect(added).toEqual(["function_call"]);
    expect(JSON.parse(args)).toEqual({ city: "Paris" });
  });

  it("maps text.format json_schema, max_output_tokens and images to the chat request", async () => {
    const schema = {
      type: "object",
      properties: { answer: { type: "string" } },
      required: ["answer"],
      additionalProperties: false,
    };
    await sdk(key).responses.create({
      model: "compat-fake",
      max_output_tokens: 64,
      text: { format: { type: "json_schema", name: "reply", schema, strict: true } },
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "what is this?" },
            { type: "input_image", image_url: "https://example.test/cat.png", detail: "low" },
          ],
        },
      ],
    });
    const body = lastUpstreamBody();
    expect(body.response_format).toEqual({ type: "json_schema", json_schema: { name: "reply", schema, strict: true } });
    expect(body.max_completion_tokens).toBe(64);
    expect(body.messages[0].content).toEqual([
      { type: "text", text: "what is this?" },
      { type: "image_url", image_url: { url: "https://example.test/cat.png", detail: "low" } },
    ]);
  });
});

describe("stored responses", () => {
  it("retrieves, chains by previous_response_id, lists input items and deletes", async () => {
    const client = sdk(key);
    const first = await client.responses.create({ model: "compat-fake", input: "echo: one two" });
    expect(first).toMatchObject({ store: true });
    const again = await client.responses.retrieve(first.id);
    expect(again.id).toBe(first.id);
    expect(again.output).toEqual(first.output);

    const second = await client.responses.create({
      model: "compat-fake",
      input: "echo: three",
      previous_response_id: first.id,
    });
    expect(second.output_text).toBe("three");
    expect(second.previous_response_id).toBe(first.id);
    expect(lastUpstreamBody().messages).toEqual([
      { role: "user", content: "echo: one two" },
      { role: "assistant", content: "one two" },
      { role: "user", content: "echo: three" },
    ]);

    const items = await client.responses.inputItems.list(second.id);
    expect(items.data).toHaveLength(1);
    expect(items.data[0]).toMatchObject({
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: "echo: three" }],
    });

    await client.responses.delete(first.id);
    await expect(client.responses.retrieve(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(
      client.responses.create({ model: "compat-fake", input: "x", previous_response_id: first.id }),
    ).rejects.toMatchObject({ status: 404, param: "previous_response_id" });
  });

  it("does not store with store: false", async () => {
    const r = await sdk(key).responses.create({ model: "compat-fake", input: "x", store: false });
    expect(r).toMatchObject({ store: false });
    await expect(sdk(key).responses.retrieve(r.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("keeps a stored response to its owner: another user's id is a 404 everywhere", async () => {
    const mine = await sdk(key).responses.create({ model: "compat-fake", input: "secret" });
    const other = sdk((await userWithKey()).key);
    await expect(other.responses.retrieve(mine.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(other.responses.inputItems.list(mine.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(other.responses.delete(mine.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(
      other.responses.create({ model: "compat-fake", input: "x", previous_response_id: mine.id }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect((await sdk(key).responses.retrieve(mine.id)).id).toBe(mine.id);
  });
});

describe("validation", () => {
  it.each([
    [{ model: "compat-fake" }, "input"],
    [{ model: "compat-fake", input: [{ role: "user", content: null }] }, "input.0.content"],
    [{ model: "compat-fake", input: [{ role: "robot", content: "x" }] }, "input.0.role"],
    [{ model: "compat-fake", input: "x", max_output_tokens: 4 }, "max_output_tokens"],
    [{ model: "compat-fake", input: "x", tools: [{ type: "web_search" }] }, "tools.0.type"],
    [{ model: "compat-fake", input: [{ type: "function_call_output", output: "x" }] }, "input.0.call_id"],
  ])("refuses %j naming %s", async (body, param) => {
    const err = await sdk(key)
      .responses.create(body as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.APIError>).param).toBe(param);
  });
});

describe("billing, as chat completions", () => {
  const post = (k: string, body: object, signal?: AbortSignal, requestId?: string) =>
    gatewayFetch("http://tollgate.test/v1/responses", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${k}`,
        ...(requestId ? { "x-request-id": requestId } : {}),
      },
      body: JSON.stringify(body),
      signal,
    });

  it("bills a response exactly as the same chat completion", async () => {
    const { key: k, keyId } = await userWithKey({ limits: { balance: BALANCE } });
    const res = await post(k, { model: "compat-fake", input: "hello there" }, undefined, "resp-bill");
    const body = (await res.json()) as { usage: { input_tokens: number; output_tokens: number; cost: string } };
    const r = await recordOf("resp-bill");
    expect(r.status).toBe("OK");
    expect([r.promptTokens, r.completionTokens]).toEqual([body.usage.input_tokens, body.usage.output_tokens]);
    expect(r.cost).toBe(BigInt(r.promptTokens + 2 * r.completionTokens));
    expect((await walletOf(keyId)).balance).toBe(BALANCE - r.cost);
  });

  it("an upstream that cuts the stream: response.failed, billed for what was produced", async () => {
    const { key: k, keyId } = await userWithKey({ limits: { balance: BALANCE } });
    const res = await post(k, { model: "cut-fake", input: "x", stream: true }, undefined, "resp-cut");
    const text = await res.text();
    expect(text).toContain("event: response.failed");
    expect(text).not.toContain("response.completed");
    const r = await recordOf("resp-cut");
    expect(r.status).toBe("PARTIAL");
    expect(r.completionTokens).toBe(3);
    expect((await walletOf(keyId)).balance).toBe(BALANCE - r.cost);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("a client that leaves mid-stream: the upstream call stops, billed for what was produced", async () => {
    const { key: k, keyId } = await userWithKey({ limits: { balance: BALANCE } });
    const controller = new AbortController();
    const res = await post(
      k,
      { model: "long-fake", input: "a long answer", stream: true },
      controller.signal,
      "resp-leave",
    );
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while ((text.match(/event: response\.output_text\.delta/g) ?? []).length < 10)
      text += decoder.decode((await reader.read()).value, { stream: true });
    controller.abort();
    await reader.cancel().catch(() => {});
    await expect
      .poll(() => up.requests.filter((q) => q.model === "fake-model:chunks=200:idle=20").at(-1)?.aborted, {
        timeout: 3_000,
      })
      .toBe(true);
    const r = await recordOf("resp-leave");
    expect(r.status).toBe("ABORTED");
    expect(r.completionTokens).toBeGreaterThanOrEqual(10);
    expect(r.completionTokens).toBeLessThan(200);
    expect((await walletOf(keyId)).balance).toBe(BALANCE - r.cost);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("a refused request charges nothing and reaches no upstream", async () => {
    const { key: k, keyId } = await userWithKey({ limits: { balance: 0n } });
    const before = up.requests.length;
    const res = await post(k, { model: "compat-fake", input: "x" });
    expect(res.status).toBe(402);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("insufficient_quota");
    expect(up.requests.length).toBe(before);
    expect((await walletOf(keyId)).balance).toBe(0n);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });
});
