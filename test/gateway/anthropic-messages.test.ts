// POST /v1/messages and /v1/messages/count_tokens with the official Anthropic SDK, sent the way
// Claude Code sends them, against every kind of provider (Bedrock's Claude path included), and
// billed exactly as chat completions: a stream cut by the upstream or left by the client is billed
// for what was produced, a refused request charges nothing.

import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as messagesRoute from "@/app/api/v1/messages/route";
import { directAnswer, directRequest } from "@/lib/direct-path.mjs";
import { createModel } from "@/lib/providers/admin";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { startInFreshMinute } from "../helpers/clock";
import { gatewayFetch, seedProviders, userWithKey } from "../helpers/gateway";
import { inFlight, NOTHING_IN_FLIGHT, recordOf, walletOf } from "../helpers/money";

const up = await startFakeUpstream();
let key = "";
const BASE = "http://tollgate.test";
// What Claude Code sends besides the key (its beta flags vary by version; any list is accepted).
const CLAUDE_CODE_HEADERS = {
  "anthropic-version": "2023-06-01",
  "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14",
  "x-app": "cli",
  "anthropic-dangerous-direct-browser-access": "true",
};

function client(apiKey: string) {
  return new Anthropic({
    apiKey,
    baseURL: BASE,
    fetch: gatewayFetch,
    maxRetries: 0,
    defaultHeaders: CLAUDE_CODE_HEADERS,
  });
}

beforeAll(async () => {
  await startApp();
  const p = await seedProviders(up);
  for (const [publicId, providerId, upstreamId] of [
    ["claude-tool-openai", p.openai, "fake-model:tool"],
    ["claude-tool-bedrock", p.bedrock, "anthropic.claude-fake:tool"],
    ["claude-long", p.compat, "fake-model:chunks=200:idle=20"],
    ["claude-cut", p.compat, "fake-model:chunks=10:cut=3"],
  ] as const) {
    await createModel({ publicId, providerId, upstreamId, inputPrice: "1", outputPrice: "2" });
  }
  ({ key } = await userWithKey());
});
afterAll(() => up.close());

const weather: Anthropic.Tool = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe.each(["gpt-fake", "compat-fake", "ollama-fake", "bedrock-fake"])("@anthropic-ai/sdk against %s", (model) => {
  it("messages.create answers an Anthropic message with usage", async () => {
    const res = await client(key)
      .messages.create({
        model,
        max_tokens: 256,
        system: "Be brief.",
        messages: [{ role: "user", content: "hello there" }],
      })
      .withResponse();
    const msg = res.data;
    expect(msg).toMatchObject({
      type: "message",
      role: "assistant",
      model,
      stop_reason: "end_turn",
      stop_sequence: null,
    });
    expect(msg.id).toMatch(/^msg_/);
    expect(msg.content).toEqual([{ type: "text", text: "tok0 tok1 tok2 tok3 tok4 " }]);
    // "Be brief." + "hello there" = 20 characters: 5 prompt tokens; 5 words out
    expect(msg.usage).toMatchObject({ input_tokens: 5, output_tokens: 5 });
    expect(res.response.headers.get("x-tollgate-cost")).toBe("0.000015");
  });

  it("messages.stream sends Anthropic's event sequence, text in order", async () => {
    const stream = client(key).messages.stream({
      model,
      max_tokens: 256,
      messages: [{ role: "user", content: [{ type: "text", text: "stream please" }] }],
    });
    const types: string[] = [];
    const deltas: string[] = [];
    const events: Array<{ type: string } & Record<string, unknown>> = [];
    for await (const ev of stream) {
      types.push(ev.type);
      // A copy: the SDK builds its message snapshot in the message_start event's own object.
      events.push(structuredClone(ev) as unknown as (typeof events)[number]);
      if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") deltas.push(ev.delta.text);
    }
    expect(types[0]).toBe("message_start");
    expect(types.slice(1, 3)).toEqual(["content_block_start", "content_block_delta"]);
    expect(types.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(deltas).toEqual(["tok0 ", "tok1 ", "tok2 ", "tok3 ", "tok4 "]);
    // The events written out as text (lib/gateway/formats/anthropic-messages.ts) carry exactly Anthropic's fields.
    const start = events[0] as unknown as { message: { id: string; usage: { input_tokens: number } } };
    expect(start.message.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(events[0]).toEqual({
      type: "message_start",
      message: {
        id: start.message.id,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: start.message.usage.input_tokens,
          output_tokens: 0,
          cache_read_input_tokens: 0,
          cache_creation_input_tokens: 0,
        },
      },
    });
    expect(start.message.usage.input_tokens).toBeGreaterThan(0);
    expect(events[1]).toEqual({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
    expect(events.slice(-3)).toEqual([
      { type: "content_block_stop", index: 0 },
      {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: expect.objectContaining({ output_tokens: 5 }),
      },
      { type: "message_stop" },
    ]);
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage).toMatchObject({ input_tokens: 4, output_tokens: 5 });
  });
});

describe.each(["claude-tool-openai", "claude-tool-bedrock"])("tool use with %s", (model) => {
  it("messages.stream with a tool streams a tool_use block, and the tool_result turn gets its answer", async () => {
    const anthropic = client(key);
    const first: Anthropic.MessageParam = { role: "user", content: "What is the weather in Paris?" };
    const stream = anthropic.messages.stream({ model, max_tokens: 256, tools: [weather], messages: [first] });
    const jsonDeltas: string[] = [];
    stream.on("inputJson", (partial) => jsonDeltas.push(partial));
    const call = await stream.finalMessage();
    expect(call.stop_reason).toBe("tool_use");
    const toolUse = call.content.find((b): b is Anthropic.ToolUseBlock => b.type === "tool_use")!;
    expect(toolUse).toMatchObject({ type: "tool_use", name: "get_weather", input: { city: "Paris" } });
    expect(jsonDeltas.length).toBeGreaterThan(0);
    const answer = await anthropic.messages.create({
      model,
      max_tokens: 256,
      tools: [weather],
      messages: [
        first,
        { role: "assistant", content: call.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "sunny, 21C" }] },
      ],
    });
    expect(answer.content).toEqual([{ type: "text", text: "tool result received: sunny, 21C" }]);
  });
});

describe("the way Claude Code calls", () => {
  it("streams its typical body: system blocks with cache_control, metadata.user_id, tools, ?beta=true", async () => {
    const res = await gatewayFetch(`${BASE}/v1/messages?beta=true`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json", ...CLAUDE_CODE_HEADERS },
      body: JSON.stringify({
        model: "compat-fake",
        max_tokens: 32000,
        temperature: 1,
        stream: true,
        metadata: { user_id: "user_0123abcd_account__session_4567" },
        system: [
          {
            type: "text",
            text: "You are Claude Code, Anthropic's official CLI for Claude.",
            cache_control: { type: "ephemeral" },
          },
          { type: "text", text: "You are an interactive CLI tool.", cache_control: { type: "ephemeral" } },
        ],
        tools: [{ ...weather, cache_control: { type: "ephemeral" } }],
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "<system-reminder>ctx</system-reminder>" },
              { type: "text", text: "hi", cache_control: { type: "ephemeral" } },
            ],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await res.text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events.slice(0, 3)).toEqual(["message_start", "ping", "content_block_start"]);
    expect(events.at(-1)).toBe("message_stop");
    // The system blocks reached the upstream as one system message, the tool as a function.
    const sent = up.requests.at(-1)!.body;
    expect(sent.messages[0]).toEqual({
      role: "system",
      content: "You are Claude Code, Anthropic's official CLI for Claude.\nYou are an interactive CLI tool.",
    });
    expect(sent.tools[0]).toMatchObject({ type: "function", function: { name: "get_weather" } });
    expect(sent.max_tokens).toBe(32000);
  });

  it("sends images and multi-turn history upstream as chat messages, and passes stop_sequences as stop", async () => {
    const png = Buffer.from("89504e470d0a1a0a", "hex").toString("base64");
    const msg = await client(key).messages.create({
      model: "gpt-fake",
      max_tokens: 64,
      stop_sequences: ["\n\nHuman:"],
      messages: [
        { role: "user", content: "first question" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "hmm", signature: "sig" },
            { type: "text", text: "first answer" },
          ],
        },
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: png } },
            { type: "text", text: "echo: what is this" },
          ],
        },
      ],
    });
    expect(msg.content).toEqual([{ type: "text", text: "what is this" }]);
    const sent = up.requests.at(-1)!.body;
    expect(sent.stop).toEqual(["\n\nHuman:"]);
    expect(sent.messages).toEqual([
      { role: "user", content: "first question" },
      { role: "assistant", content: "first answer" },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: `data:image/png;base64,${png}` } },
          { type: "text", text: "echo: what is this" },
        ],
      },
    ]);
  });

  it("messages.countTokens estimates the prompt, tools included, and charges nothing", async () => {
    const { key: k, keyId } = await userWithKey({ limits: { balance: 1_000n } });
    const anthropic = client(k);
    const plain = await anthropic.messages.countTokens({
      model: "bedrock-fake",
      system: "abcd",
      messages: [{ role: "user", content: "efghijkl" }],
    });
    expect(plain).toEqual({ input_tokens: 3 });
    const withTools = await anthropic.messages.countTokens({
      model: "bedrock-fake",
      tools: [weather],
      messages: [{ role: "user", content: "efghijkl" }],
    });
    expect(withTools.input_tokens).toBeGreaterThan(plain.input_tokens);
    expect((await walletOf(keyId)).balance).toBe(1_000n);
  });
});

describe("served directly by scripts/serve.mjs", () => {
  // serve.mjs hands the body over whole and takes the answer as JSON text or as a source of the stream's next bytes (lib/direct-path.mjs).
  const direct = async (body: unknown) => {
    const req = directRequest(`${BASE}/v1/messages`, {
      headers: new Headers({ "x-api-key": key, "content-type": "application/json" }),
      signal: new AbortController().signal,
      body: Buffer.from(JSON.stringify(body)),
    });
    return directAnswer(await messagesRoute.POST(req, { params: Promise.resolve({}) }));
  };

  it("answers a whole message as JSON text and a stream as its next bytes, in Anthropic's shapes", async () => {
    const whole = await direct({
      model: "compat-fake",
      max_tokens: 20,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(JSON.parse(whole!.text!)).toMatchObject({
      type: "message",
      content: [{ type: "text", text: "tok0 tok1 tok2 tok3 tok4 " }],
    });
    const streamed = (await direct({
      model: "compat-fake",
      max_tokens: 20,
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    }))!.stream!;
    let text = "";
    for (let bytes = await streamed.next(); bytes; bytes = await streamed.next())
      text += new TextDecoder().decode(bytes);
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      ...Array(5).fill("content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });
});

describe("errors in Anthropic's shape", () => {
  const post = (headers: Record<string, string>, body: unknown) =>
    gatewayFetch(`${BASE}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  it("401 without a key, 404 for an unknown model, 400 naming the field", async () => {
    const err = await client("tg-wrong")
      .messages.create({ model: "gpt-fake", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    const missing = await post({}, { model: "gpt-fake", max_tokens: 5, messages: [{ role: "user", content: "x" }] });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    const unknown = await client(key)
      .messages.create({ model: "nope", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    const noMax = await post({ "x-api-key": key }, { model: "gpt-fake", messages: [{ role: "user", content: "x" }] });
    expect(noMax.status).toBe(400);
    const body = (await noMax.json()) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(body.error.message).toMatch(/max_tokens/);
    const badRole = await post(
      { "x-api-key": key },
      { model: "gpt-fake", max_tokens: 5, messages: [{ role: "system", content: "x" }] },
    );
    expect(((await badRole.json()) as { error: { message: string } }).error.message).toMatch(/role/);
    const badVersion = await post(
      { "x-api-key": key, "anthropic-version": "latest" },
      { model: "gpt-fake", max_tokens: 5, messages: [{ role: "user", content: "x" }] },
    );
    expect(badVersion.status).toBe(400);
  });
});

describe("billing and limits, as for chat completions", () => {
  it("bills a completed stream for its usage, exactly", async () => {
    const { key: k, keyId } = await userWithKey({ limits: { balance: 1_000_000n } });
    const stream = client(k).messages.stream(
      { model: "compat-fake", max_tokens: 50, messages: [{ role: "user", content: "stream please" }] },
      { headers: { "x-request-id": "msg-billed" } },
    );
    await stream.finalMessage();
    // 4 prompt tokens × 1 + 5 completion tokens × 2
    expect(await recordOf("msg-billed")).toMatchObject({
      status: "OK",
      promptTokens: 4,
      completionTokens: 5,
      cost: 14n,
    });
    expect((await walletOf(keyId)).balance).toBe(1_000_000n - 14n);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("a stream the upstream cuts short ends with an error event and is billed for what was produced", async () => {
    const { key: k, keyId } = await userWithKey({ limits: { balance: 1_000_000n } });
    const stream = client(k).messages.stream(
      { model: "claude-cut", max_tokens: 50, messages: [{ role: "user", content: "stream please" }] },
      { headers: { "x-request-id": "msg-cut" } },
    );
    const texts: string[] = [];
    stream.on("text", (t) => texts.push(t));
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(texts.length).toBeGreaterThan(0);
    const r = await recordOf("msg-cut");
    expect(r.status).toBe("PARTIAL");
    expect(r.completionTokens).toBe(texts.length);
    expect((await walletOf(keyId)).balance).toBe(1_000_000n - r.cost);
    expect(r.cost).toBeGreaterThan(0n);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("a client that leaves mid-stream is billed for what was produced, and the upstream call is aborted", async () => {
    const { key: k, keyId } = await userWithKey({ limits: { balance: 1_000_000n } });
    const stream = client(k).messages.stream(
      { model: "claude-long", max_tokens: 500, messages: [{ role: "user", content: "a long answer" }] },
      { headers: { "x-request-id": "msg-left" } },
    );
    let seen = 0;
    for await (const ev of stream) {
      if (ev.type === "content_block_delta" && ++seen === 5) break;
    }
    await expect.poll(async () => (await recordOf("msg-left").catch(() => null))?.status ?? "PENDING").toBe("ABORTED");
    const r = await recordOf("msg-left");
    expect(r.completionTokens).toBeGreaterThanOrEqual(5);
    expect(r.completionTokens).toBeLessThan(200);
    expect((await walletOf(keyId)).balance).toBe(1_000_000n - r.cost);
    await expect
      .poll(() => up.requests.filter((q) => q.model === "fake-model:chunks=200:idle=20").at(-1)?.aborted)
      .toBe(true);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("a request the balance cannot cover is refused with billing_error, charges nothing and never reaches the upstream", async () => {
    const { key: k, keyId } = await userWithKey({ limits: { balance: 10n } });
    const before = up.requests.length;
    const err = await client(k)
      .messages.create({ model: "gpt-fake", max_tokens: 1000, messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(402);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: "error",
      error: { type: "billing_error" },
    });
    expect(up.requests.length).toBe(before);
    expect((await walletOf(keyId)).balance).toBe(10n);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("the key's request-per-minute limit answers rate_limit_error", async () => {
    startInFreshMinute();
    const { key: k } = await userWithKey({ limits: { rpm: 1 } });
    await client(k).messages.create({ model: "gpt-fake", max_tokens: 10, messages: [{ role: "user", content: "x" }] });
    const err = await client(k)
      .messages.create({ model: "gpt-fake", max_tokens: 10, messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
  });
});
