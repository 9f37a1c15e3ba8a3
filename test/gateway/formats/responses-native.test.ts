// POST /v1/responses passed through to an OpenAI provider, which speaks the Responses API itself:
// with the official OpenAI SDK (create, stream, retrieve, chain), the fake upstream receives a
// Responses request — not chat completions — with the upstream's model id, `store: false` and the
// earlier turns as input; the answer carries Tollgate's model id and response id. Billing comes
// exactly from the upstream's `usage`, a stream cut short or failing is billed for what was
// produced, an upstream error is OpenAI's error shape, and a fallback on another kind of provider
// is translated as before.

import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModel } from "@/lib/providers/admin";
import { startFakeUpstream } from "../../fake-upstream/server.mjs";
import { startApp } from "../../helpers/app";
import { gatewayFetch, sdk, seedProviders, userWithKey } from "../../helpers/gateway";
import { inFlight, NOTHING_IN_FLIGHT, recordOf, walletOf } from "../../helpers/money";

const up = await startFakeUpstream();
const BALANCE = 1_000_000n;

beforeAll(async () => {
  await startApp();
  const providers = await seedProviders(up);
  for (const [publicId, upstreamId, fallbacks] of [
    ["native-tool", "fake-model:tool", []],
    ["native-cut", "fake-model:chunks=20:cut=3", []],
    ["native-streamfail", "fake-model:chunks=20:streamfail=500:streamfail-at=4", []],
    ["native-failed", "fake-model:chunks=20:streamfail=500:streamfail-at=3:failedevent", []],
    ["native-garble", "fake-model:chunks=20:garble=2", []],
    ["native-long", "fake-model:chunks=200:idle=20", []],
    ["native-400", "fake-model:fail=400", []],
    ["native-503", "fake-model:fail=503", []],
    ["native-falls-back", "fake-model:fail=400", ["compat-fake"]],
  ] as const) {
    await createModel({
      publicId,
      providerId: providers.openai,
      upstreamId,
      inputPrice: "1",
      outputPrice: "2",
      fallbacks: [...fallbacks],
    });
  }
});
afterAll(() => up.close());

const inference = () => up.requests.filter((r) => r.model !== undefined);
const lastInference = () => inference().at(-1)!;
const withBalance = () => userWithKey({ limits: { balance: BALANCE } });

/** The record and wallet agree with the upstream's own usage: input at 1, output at 2 micro-units. */
async function expectBilledFromUpstream(requestId: string, keyId: string, usage: { input: number; output: number }) {
  const r = await recordOf(requestId);
  expect([r.promptTokens, r.completionTokens, r.usageEstimated]).toEqual([usage.input, usage.output, false]);
  expect(r.cost).toBe(BigInt(usage.input + 2 * usage.output));
  expect((await walletOf(keyId)).balance).toBe(BALANCE - r.cost);
  expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  return r;
}

describe("an OpenAI provider gets the Responses request itself", () => {
  it("responses.create: the fake saw /v1/responses with its own model id; billed from its usage", async () => {
    const { key } = await withBalance();
    const res = await sdk(key)
      .responses.create({ model: "gpt-fake", input: "hello there", instructions: "Be brief.", metadata: { a: "b" } })
      .withResponse();
    const sent = lastInference();
    expect(sent.path).toBe("/v1/responses");
    expect(sent.body).toMatchObject({
      model: "fake-model",
      input: "hello there",
      instructions: "Be brief.",
      store: false,
    });
    expect(sent.body).not.toHaveProperty("messages");
    expect(sent.headers.authorization).toBe("Bearer sk-upstream-secret");

    const data = res.data;
    expect(data).toMatchObject({ object: "response", status: "completed", model: "gpt-fake", store: true });
    expect(data.id).toMatch(/^resp_/);
    expect(data.id).not.toContain("fake");
    expect(data.output_text).toBe("tok0 tok1 tok2 tok3 tok4 ");
    expect(data.usage).toMatchObject({ input_tokens: sent.reportedUsage!.prompt, output_tokens: 5 });
    const cost = (data.usage as unknown as { cost: string }).cost;
    expect(res.response.headers.get("x-tollgate-cost")).toBe(cost);
  });

  it("bills a JSON answer exactly from the upstream's usage", async () => {
    const { key, keyId } = await withBalance();
    const res = await gatewayFetch("http://tollgate.test/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}`, "x-request-id": "native-json" },
      body: JSON.stringify({ model: "gpt-fake", input: "echo: one two three" }),
    });
    const body = (await res.json()) as { usage: { input_tokens: number; output_tokens: number } };
    expect(lastInference().path).toBe("/v1/responses");
    expect(body.usage.output_tokens).toBe(3);
    const reported = lastInference().reportedUsage!;
    await expectBilledFromUpstream("native-json", keyId, { input: reported.prompt, output: reported.completion });
  });

  it("responses.stream: the upstream's events relayed, model and id Tollgate's, billed from response.completed", async () => {
    const { key, keyId } = await withBalance();
    const client = sdk(key);
    const stream = client.responses.stream(
      { model: "gpt-fake", input: "echo: alpha beta" },
      {
        headers: { "x-request-id": "native-stream" },
      },
    );
    const types: string[] = [];
    const models = new Set<string>();
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if ("response" in event) models.add(event.response.model);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    const final = await stream.finalResponse();
    const sent = lastInference();
    expect(sent.path).toBe("/v1/responses");
    expect(sent.body).toMatchObject({ model: "fake-model", stream: true, store: false });
    expect(text).toBe("alpha beta");
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect([...models]).toEqual(["gpt-fake"]);
    expect(final.output_text).toBe("alpha beta");
    expect(final.usage).toMatchObject({ input_tokens: sent.reportedUsage!.prompt, output_tokens: 2 });
    await expectBilledFromUpstream("native-stream", keyId, {
      input: sent.reportedUsage!.prompt,
      output: sent.reportedUsage!.completion,
    });

    // Stored by Tollgate (the upstream was told not to store): retrieve answers it.
    const again = await client.responses.retrieve(final.id);
    expect(again).toMatchObject({ id: final.id, model: "gpt-fake", status: "completed" });
    expect(final.output).toMatchObject(again.output); // the SDK's stream helper adds `parsed`
  });

  it("previous_response_id: the upstream gets the earlier turns as input, never the id", async () => {
    const { key } = await withBalance();
    const client = sdk(key);
    const first = await client.responses.create({ model: "gpt-fake", input: "echo: one two" });
    const second = await client.responses.create({
      model: "gpt-fake",
      input: "echo: three",
      previous_response_id: first.id,
    });
    const sent = lastInference();
    expect(sent.body).not.toHaveProperty("previous_response_id");
    expect(sent.body.input).toEqual([
      { type: "message", role: "user", content: "echo: one two" },
      { type: "message", role: "assistant", content: "one two" },
      { type: "message", role: "user", content: "echo: three" },
    ]);
    expect(second).toMatchObject({ previous_response_id: first.id, output_text: "three", model: "gpt-fake" });
    expect((await client.responses.retrieve(second.id)).previous_response_id).toBe(first.id);
  });

  it("a streamed function call: arguments relayed, counted for billing; its output continues the chain", async () => {
    const { key, keyId } = await withBalance();
    const client = sdk(key);
    const tools = [{ type: "function" as const, name: "get_weather", parameters: { type: "object" }, strict: false }];
    const stream = client.responses.stream(
      { model: "native-tool", input: "weather?", tools },
      { headers: { "x-request-id": "native-tool" } },
    );
    let args = "";
    for await (const event of stream) if (event.type === "response.function_call_arguments.delta") args += event.delta;
    const final = await stream.finalResponse();
    expect(JSON.parse(args)).toEqual({ city: "Paris" });
    const call = final.output.find((o) => o.type === "function_call")!;
    expect(call).toMatchObject({ name: "get_weather", call_id: "call_1" });
    const sent = lastInference();
    await expectBilledFromUpstream("native-tool", keyId, {
      input: sent.reportedUsage!.prompt,
      output: sent.reportedUsage!.completion,
    });
    const answer = await client.responses.create({
      model: "native-tool",
      previous_response_id: final.id,
      input: [{ type: "function_call_output", call_id: "call_1", output: "sunny" }],
      tools,
    });
    expect(answer.output_text).toBe("tool result received: sunny");
    expect((lastInference().body.input as Array<{ type: string }>).map((i) => i.type)).toEqual([
      "message",
      "function_call",
      "function_call_output",
    ]);
  });
});

describe("failures on a passed-through request", () => {
  const post = (key: string, body: object, requestId: string, signal?: AbortSignal) =>
    gatewayFetch("http://tollgate.test/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}`, "x-request-id": requestId },
      body: JSON.stringify(body),
      signal,
    });

  it("a cut stream ends in response.failed, billed for the three events produced", async () => {
    const { key, keyId } = await withBalance();
    const text = await (await post(key, { model: "native-cut", input: "x", stream: true }, "native-cut")).text();
    expect(lastInference()).toMatchObject({ path: "/v1/responses", cut: true });
    expect(text.match(/event: response\.output_text\.delta/g)).toHaveLength(3);
    expect(text).toContain("event: response.failed");
    expect(text).not.toContain("response.completed");
    const failed = JSON.parse(text.slice(text.lastIndexOf("data: ") + 6)) as { response: Record<string, unknown> };
    expect(failed.response).toMatchObject({ status: "failed", model: "native-cut" });
    const r = await recordOf("native-cut");
    expect([r.status, r.completionTokens, r.usageEstimated]).toEqual(["PARTIAL", 3, true]);
    expect((await walletOf(keyId)).balance).toBe(BALANCE - r.cost);
    expect(r.cost).toBeGreaterThan(0n);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("an error event mid-stream ends in response.failed, billed for what was produced", async () => {
    const { key, keyId } = await withBalance();
    const text = await (
      await post(key, { model: "native-streamfail", input: "x", stream: true }, "native-streamfail")
    ).text();
    expect(text.match(/event: response\.output_text\.delta/g)).toHaveLength(4);
    expect(text).toContain("event: response.failed");
    expect(text).toContain("fake stream failure 500");
    const r = await recordOf("native-streamfail");
    expect([r.status, r.completionTokens]).toEqual(["PARTIAL", 4]);
    expect((await walletOf(keyId)).balance).toBe(BALANCE - r.cost);
  });

  it("the upstream's own response.failed ends in Tollgate's response.failed, recorded PARTIAL, billed for what came before", async () => {
    const { key, keyId } = await withBalance();
    const text = await (await post(key, { model: "native-failed", input: "x", stream: true }, "native-failed")).text();
    expect(text.match(/event: response\.output_text\.delta/g)).toHaveLength(3);
    expect(text.match(/event: response\.failed/g)).toHaveLength(1);
    expect(text).toContain("fake stream failure 500");
    const r = await recordOf("native-failed");
    expect([r.status, r.completionTokens]).toEqual(["PARTIAL", 3]);
    expect((await walletOf(keyId)).balance).toBe(BALANCE - r.cost);
  });

  it("a malformed event mid-stream ends in response.failed and stops the upstream, billed for what came before", async () => {
    const { key, keyId } = await withBalance();
    const text = await (await post(key, { model: "native-garble", input: "x", stream: true }, "native-garble")).text();
    expect(text.match(/event: response\.output_text\.delta/g)).toHaveLength(2);
    expect(text).toContain("malformed stream event");
    expect(text.split("\n\n").filter(Boolean).at(-1)).toMatch(/^event: response\.failed\n/);
    const r = await recordOf("native-garble");
    expect([r.status, r.completionTokens]).toEqual(["PARTIAL", 2]);
    expect((await walletOf(keyId)).balance).toBe(BALANCE - r.cost);
  });

  it("a client that leaves mid-stream: the upstream call stops, billed for what was produced", async () => {
    const { key, keyId } = await withBalance();
    const controller = new AbortController();
    const res = await post(key, { model: "native-long", input: "x", stream: true }, "native-leave", controller.signal);
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
    const r = await recordOf("native-leave");
    expect(r.status).toBe("ABORTED");
    expect(r.completionTokens).toBeGreaterThanOrEqual(10);
    expect(r.completionTokens).toBeLessThan(200);
    expect((await walletOf(keyId)).balance).toBe(BALANCE - r.cost);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("an upstream 400 is OpenAI's invalid_request_error, not retried, and charges nothing", async () => {
    const { key, keyId } = await withBalance();
    const before = inference().length;
    const err = await sdk(key)
      .responses.create({ model: "native-400", input: "x" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      type: "invalid_request_error",
      message: expect.stringContaining("fake failure 400"),
    });
    expect(
      inference()
        .slice(before)
        .map((r) => r.path),
    ).toEqual(["/v1/responses"]);
    expect((await walletOf(keyId)).balance).toBe(BALANCE);
  });

  it("an upstream 503 is retried on /v1/responses, then a 502 in OpenAI's shape", async () => {
    const { key } = await withBalance();
    const before = inference().length;
    const err = await sdk(key)
      .responses.create({ model: "native-503", input: "x", stream: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((err as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: "api_error" });
    const paths = inference()
      .slice(before)
      .map((r) => r.path);
    expect(paths.length).toBeGreaterThan(1);
    expect(new Set(paths)).toEqual(new Set(["/v1/responses"]));
  });

  it("a fallback on an OpenAI-compatible provider is translated through chat completions", async () => {
    const { key } = await withBalance();
    const before = inference().length;
    const res = await sdk(key).responses.create({ model: "native-falls-back", input: "echo: safe landing" });
    expect(res).toMatchObject({ output_text: "safe landing", model: "native-falls-back", status: "completed" });
    expect(
      inference()
        .slice(before)
        .map((r) => r.path),
    ).toEqual(["/v1/responses", "/v1/chat/completions"]);
  });
});
