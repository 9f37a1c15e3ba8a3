// Items 21 and 25: an upstream that dies mid-stream, or hangs before its headers, before its first
// chunk or between chunks. The client gets an error (an error event once the stream has started),
// each hang fires its own time-out — the record says which — produced tokens are billed, and
// nothing stays reserved, open or pending.

import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { createModel } from "@/lib/providers/admin";
import { openStreams } from "@/lib/shutdown";
import { chatUser, db, parseEvents, postChat, settled, userMessage } from "../chat/helpers";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { sdk, seedProviders, userWithKey } from "../helpers/gateway";
import { inFlight, NOTHING_IN_FLIGHT, postCompletion, recordOf } from "../helpers/money";

process.env.UPSTREAM_MAX_RETRIES = "1";
process.env.UPSTREAM_TTFT_TIMEOUT_MS = "400";
process.env.UPSTREAM_IDLE_TIMEOUT_MS = "400";
resetConfig();

const up = await startFakeUpstream();
let key = "";

beforeAll(async () => {
  await startApp();
  const providers = await seedProviders(up);
  for (const [publicId, upstreamId] of [
    ["cut-model", "fake-model:chunks=10:cut=3"],
    ["hang-headers", "fake-model:headers-delay=3000"],
    ["hang-first-chunk", "fake-model:ttft=3000"],
    ["hang-between", "fake-model:chunks=6:idle=1500"],
    ["steady", "fake-model:chunks=4:idle=100"],
    ["garbled", "fake-model:chunks=40:idle=50:garble=2"],
    ["garbled-first", "fake-model:chunks=40:idle=50:garble=0"],
  ] as const) {
    await createModel({ publicId, providerId: providers.compat, upstreamId, inputPrice: "1", outputPrice: "2" });
  }
  // The same stall on the wires read through the AI SDK, whose stream iterators need not answer an abort.
  await createModel({
    publicId: "hang-between-ollama",
    providerId: providers.ollama,
    upstreamId: "llama3.2:latest:chunks=6:idle=1500",
    inputPrice: "1",
    outputPrice: "2",
  });
  await createModel({
    publicId: "hang-between-bedrock",
    providerId: providers.bedrock,
    upstreamId: "fake:chunks=6:idle=1500",
    inputPrice: "1",
    outputPrice: "2",
  });
  ({ key } = await userWithKey());
});
afterAll(() => up.close());

/** Every upstream call has ended (finished or aborted by us): no socket left hanging. */
function upstreamCallsEnded(model: string) {
  return up.requests.filter((r) => r.model === model).every((r) => r.finishedAt !== undefined);
}

async function expectAllReleased(model: string) {
  expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  expect(openStreams()).toBe(0);
  await expect.poll(() => upstreamCallsEnded(model), { timeout: 2_000 }).toBe(true);
}

describe("upstream dies mid-stream (item 21)", () => {
  it("API: the stream ends with an error event and is recorded as partial with the tokens produced", async () => {
    const stream = await sdk(key).chat.completions.create(
      { model: "cut-model", messages: [{ role: "user", content: "go" }], stream: true },
      { headers: { "x-request-id": "cut-api" } },
    );
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream)
          if (chunk.choices[0]?.delta?.content) got.push(chunk.choices[0].delta.content);
      })(),
    ).rejects.toThrow(/cut off/);
    expect(got).toEqual(["tok0 ", "tok1 ", "tok2 "]);
    const r = await recordOf("cut-api");
    expect(r).toMatchObject({ status: "PARTIAL", completionTokens: 3, usageEstimated: true });
    expect(r.cost).toBe(BigInt(r.promptTokens * 1 + 3 * 2));
    await expectAllReleased("fake-model:chunks=10:cut=3");
  });

  it("chat page: the answer stream carries an error, the message is saved as partial, the tokens produced are billed", async () => {
    const { user, cookie } = await chatUser({ balance: 1_000_000n });
    const res = await postChat(cookie, { model: "cut-model", message: userMessage("tell me") });
    const sessionId = res.headers.get("x-chat-session-id")!;
    const events = parseEvents(await res.text());
    expect(events.some((e) => e.type === "error")).toBe(true);
    const d = await db();
    const answer = await settled(() => d.message.findFirst({ where: { sessionId, role: "assistant" } }));
    expect(answer).toMatchObject({ partial: true, text: "tok0 tok1 tok2 " });
    const request = await settled(() =>
      d.request.findFirst({ where: { userId: user.id, sessionId, status: { not: "PENDING" } } }),
    );
    expect(request).toMatchObject({ status: "PARTIAL", completionTokens: 3 });
    expect(request.cost).toBe(BigInt(request.promptTokens) + 3n * 2n);
    const wallet = await d.limit.findUniqueOrThrow({ where: { userId: user.id } });
    expect(wallet.balance).toBe(1_000_000n - request.cost);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });
});

describe("an upstream that sends a malformed event mid-stream", () => {
  it("ends the client's stream with an error, bills what was produced, and stops the upstream call instead of reading it to its end", async () => {
    const started = Date.now();
    const res = await postCompletion(
      key,
      { model: "garbled", messages: [{ role: "user", content: "hi" }], stream: true },
      { requestId: "garbled" },
    );
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/malformed stream event/);
    expect(text).not.toContain("[DONE]");
    const r = await recordOf("garbled");
    expect(r).toMatchObject({ status: "PARTIAL", completionTokens: 2 });
    // Left to run, the upstream would stream for another ~2 s (38 chunks, 50 ms apart).
    const call = () =>
      up.requests.find((q) => q.model === "fake-model:chunks=40:idle=50:garble=2" && q.receivedAt >= started);
    await expect.poll(() => call()?.finishedAt, { timeout: 1_000 }).toBeDefined();
    expect(call()!.aborted).toBe(true);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("as its first event: 502 (not retried: the upstream answered), and the upstream call is stopped, not read to its end", async () => {
    const started = Date.now();
    const res = await postCompletion(
      key,
      { model: "garbled-first", messages: [{ role: "user", content: "hi" }], stream: true },
      { requestId: "garbled-first" },
    );
    expect(res.status).toBe(502);
    expect((await res.json()).error.message).toMatch(/malformed stream event/);
    // Left to run, the upstream would stream for ~2 s (40 chunks, 50 ms apart).
    const call = () =>
      up.requests.find((q) => q.model === "fake-model:chunks=40:idle=50:garble=0" && q.receivedAt >= started);
    await expect.poll(() => call()?.finishedAt, { timeout: 1_000 }).toBeDefined();
    expect(call()!.aborted).toBe(true);
    expect(await recordOf("garbled-first")).toMatchObject({ status: "ERROR", attempts: 1, cost: 0n });
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });
});

describe("an upstream that hangs: each time-out fires on its own (item 25)", () => {
  it("before its headers: 504 naming the headers, retried once, upstream calls aborted, nothing reserved", async () => {
    const started = Date.now();
    const res = await postCompletion(
      key,
      { model: "hang-headers", messages: [{ role: "user", content: "hi" }], stream: true },
      { requestId: "hang-headers" },
    );
    expect(res.status).toBe(504);
    expect((await res.json()).error.message).toMatch(/sent no response headers within 400 ms \(after 2 attempts\)/);
    expect(Date.now() - started).toBeLessThan(2_500);
    const r = await recordOf("hang-headers");
    expect(r).toMatchObject({ status: "ERROR", attempts: 2, cost: 0n, completionTokens: 0 });
    expect(r.error).toMatch(/no response headers/);
    await expectAllReleased("fake-model:headers-delay=3000");
    expect(up.requests.filter((q) => q.model === "fake-model:headers-delay=3000").every((q) => q.aborted)).toBe(true);
  });

  it("after its headers, before the first chunk: 504 naming the first chunk", async () => {
    const res = await postCompletion(
      key,
      { model: "hang-first-chunk", messages: [{ role: "user", content: "hi" }], stream: true },
      { requestId: "hang-first" },
    );
    expect(res.status).toBe(504);
    expect((await res.json()).error.message).toMatch(/sent no first chunk after its headers within 400 ms/);
    const r = await recordOf("hang-first");
    expect(r).toMatchObject({ status: "ERROR", attempts: 2, cost: 0n });
    expect(r.error).toMatch(/no first chunk/);
    await expectAllReleased("fake-model:ttft=3000");
  });

  it("non-streaming, nothing within the first-token budget: 504 through the OpenAI SDK", async () => {
    const err = await sdk(key)
      .chat.completions.create({ model: "hang-first-chunk", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("between chunks: the stream ends with an error event naming the stall, billed for the chunk produced", async () => {
    const res = await postCompletion(
      key,
      { model: "hang-between", messages: [{ role: "user", content: "hi" }], stream: true },
      { requestId: "hang-between" },
    );
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/stalled between chunks: sent nothing for 400 ms/);
    expect(text).not.toContain("[DONE]");
    const r = await recordOf("hang-between");
    expect(r).toMatchObject({ status: "PARTIAL", completionTokens: 1, attempts: 1 });
    expect(r.error).toMatch(/stalled between chunks/);
    expect(r.cost).toBe(BigInt(r.promptTokens) + 2n);
    await expectAllReleased("fake-model:chunks=6:idle=1500");
  });

  it("a client slower than the budget is no stall: the upstream waits for it, and the answer is whole", async () => {
    const res = await postCompletion(
      key,
      { model: "steady", messages: [{ role: "user", content: "hi" }], stream: true },
      { requestId: "slow-reader" },
    );
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      // Longer than the 400 ms budget between chunks, while the upstream sends one every 100 ms.
      await new Promise((r) => setTimeout(r, 600));
    }
    expect(text).not.toMatch(/stalled/);
    expect(text).toContain("data: [DONE]");
    expect(await recordOf("slow-reader")).toMatchObject({ status: "OK", completionTokens: 4, error: null });
  });

  it.each([
    ["Ollama", "hang-between-ollama", "llama3.2:latest:chunks=6:idle=1500"],
    ["Bedrock", "hang-between-bedrock", "fake:chunks=6:idle=1500"],
  ])(
    "between chunks on the %s wire: the same stall error, in time, billed for what was produced",
    async (_wire, model, upstreamId) => {
      const started = Date.now();
      const res = await postCompletion(
        key,
        { model, messages: [{ role: "user", content: "hi" }], stream: true },
        { requestId: model },
      );
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/stalled between chunks: sent nothing for 400 ms/);
      expect(text).not.toContain("[DONE]");
      expect(Date.now() - started, "the stall ends the stream, not the upstream's next chunk").toBeLessThan(1_400);
      const r = await recordOf(model);
      expect(r).toMatchObject({ status: "PARTIAL", attempts: 1 });
      expect(r.completionTokens).toBeGreaterThanOrEqual(1);
      expect(r.error).toMatch(/stalled between chunks/);
      expect(r.cost).toBe(BigInt(r.promptTokens) + 2n * BigInt(r.completionTokens));
      await expectAllReleased(upstreamId);
    },
  );
});
