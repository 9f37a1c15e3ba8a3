// Ollama as it really behaves (issue #28): sampling settings are read only inside `options`, the
// output limit the budget reserved for is sent as num_predict and enforced by the gateway too,
// prompt_eval_count is missing for a cached prompt, and errors arrive inside a 200 stream.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAX_OUTPUT_TOKENS, estimateTokens } from "@/lib/billing/estimate";
import { flushRecords } from "@/lib/billing/recorder";
import { resetConfig } from "@/lib/config";
import { createModel, createProvider } from "@/lib/providers/admin";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { userWithKey } from "../helpers/gateway";
import { postCompletion, recordOf, walletOf } from "../helpers/money";

process.env.UPSTREAM_MAX_RETRIES = "1";
resetConfig();

const up = await startFakeUpstream();
let key = "";
let keyId = "";
let seq = 0;

beforeAll(async () => {
  await startApp();
  const p = await createProvider({ name: "ollama-real", kind: "OLLAMA", baseUrl: up.url });
  const price = { inputPrice: "1", outputPrice: "3" };
  await createModel({ publicId: "llama", providerId: p.id, upstreamId: "llama3.2:latest:chunks=12", ...price });
  await createModel({
    publicId: "llama-capped",
    providerId: p.id,
    upstreamId: "llama3.2:latest:chunks=12",
    maxOutputTokens: 6,
    ...price,
  });
  await createModel({
    publicId: "llama-overrun",
    providerId: p.id,
    upstreamId: "llama3.2:latest:chunks=12:nolimit",
    ...price,
  });
  await createModel({
    publicId: "llama-cached",
    providerId: p.id,
    upstreamId: "llama3.2:latest:promptcached",
    ...price,
  });
  await createModel({
    publicId: "llama-broken",
    providerId: p.id,
    upstreamId: "llama3.2:latest:streamfail=500",
    ...price,
  });
  await createModel({
    publicId: "llama-broken-midway",
    providerId: p.id,
    upstreamId: "llama3.2:latest:chunks=5:streamfail=500:streamfail-at=2",
    ...price,
  });
  ({ key, keyId } = await userWithKey({ limits: { balance: 100_000_000n } }));
});
afterAll(() => up.close());

const chats = () => up.requests.filter((r) => r.path === "/api/chat");

async function ask(model: string, body: Record<string, unknown> = {}) {
  const requestId = `ol-${model}-${++seq}`;
  const res = await postCompletion(
    key,
    { model, messages: [{ role: "user", content: "why is the sky blue" }], ...body },
    { requestId },
  );
  const text = await res.text();
  return { res, text, record: () => recordOf(requestId) };
}

const contentOf = (sse: string) =>
  sse
    .split("\n\n")
    .filter((e) => e.startsWith("data: {"))
    .map(
      (e) =>
        JSON.parse(e.slice(6)) as { choices: Array<{ delta: { content?: string }; finish_reason: string | null }> },
    );

describe("options", () => {
  it("sends max_tokens, temperature, top_p, stop and seed inside options, where Ollama reads them", async () => {
    const { res, text } = await ask("llama", {
      max_tokens: 3,
      temperature: 0.2,
      top_p: 0.5,
      stop: ["never"],
      seed: 42,
    });
    expect(res.status).toBe(200);
    const body = chats().at(-1)!.body;
    expect(body.options).toEqual({ num_predict: 3, temperature: 0.2, top_p: 0.5, stop: ["never"], seed: 42 });
    for (const top of ["max_tokens", "max_output_tokens", "temperature", "top_p", "stop", "seed"])
      expect(body).not.toHaveProperty(top);
    const completion = JSON.parse(text);
    expect(completion.choices[0]).toMatchObject({ message: { content: "tok0 tok1 tok2 " }, finish_reason: "length" });
    expect(completion.usage.completion_tokens).toBe(3);
  });

  it("stops at a stop string", async () => {
    const { text } = await ask("llama", { stop: "tok3" });
    expect(JSON.parse(text).choices[0].message.content).toBe("tok0 tok1 tok2 ");
  });

  it("caps the output at what the budget reserved when the client sets no limit", async () => {
    await ask("llama");
    expect(chats().at(-1)!.body.options).toEqual({ num_predict: DEFAULT_MAX_OUTPUT_TOKENS });
    const { text } = await ask("llama-capped");
    expect(chats().at(-1)!.body.options).toEqual({ num_predict: 6 });
    expect(JSON.parse(text).usage.completion_tokens).toBe(6);
  });

  it.each([false, true])(
    "ends a reply that overruns its limit at the limit, and bills what was sent (stream: %s)",
    async (stream) => {
      await flushRecords();
      const before = (await walletOf(keyId)).balance;
      const { res, text, record } = await ask("llama-overrun", { max_tokens: 4, stream });
      expect(res.status).toBe(200);
      const served = chats().at(-1)!;
      expect(served.body.options.num_predict).toBe(4);
      if (stream) {
        const events = contentOf(text);
        expect(events.map((e) => e.choices[0]?.delta.content ?? "").join("")).toBe("tok0 tok1 tok2 tok3 ");
        expect(events.at(-1)!.choices[0].finish_reason).toBe("length");
      } else {
        expect(JSON.parse(text).choices[0]).toMatchObject({
          message: { content: "tok0 tok1 tok2 tok3 " },
          finish_reason: "length",
        });
      }
      const r = await record();
      expect(r).toMatchObject({ status: "OK", completionTokens: 4 });
      expect(r.cost).toBe(BigInt(r.promptTokens) * 1n + 4n * 3n);
      expect((await walletOf(keyId)).balance).toBe(before! - r.cost);
    },
  );
});

describe("usage and errors", () => {
  it("estimates the prompt when Ollama leaves prompt_eval_count out (a cached prompt)", async () => {
    const { res, record } = await ask("llama-cached");
    expect(res.status).toBe(200);
    expect(chats().at(-1)!.reportedUsage).toEqual({ prompt: 0, completion: 5 });
    const r = await record();
    expect(r.promptTokens).toBe(estimateTokens("why is the sky blue"));
    expect(r.completionTokens).toBe(5);
    expect(r.cost).toBe(BigInt(r.promptTokens) + 15n);
  });

  it("reports Ollama's in-stream error with its message, retried as a server error", async () => {
    const before = chats().length;
    const { res, text } = await ask("llama-broken");
    expect(res.status).toBe(502);
    expect(JSON.parse(text).error.message).toMatch(/an error was encountered while running the model: fake failure/);
    expect(chats().length - before).toBe(2);
  });

  it("ends a stream whose error line comes after text with an error event, billed for what was sent", async () => {
    const { res, text, record } = await ask("llama-broken-midway", { stream: true });
    expect(res.status).toBe(200);
    const events = text.split("\n\n").filter((e) => e.startsWith("data: {"));
    const content = events
      .map((e) => JSON.parse(e.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> })
      .map((e) => e.choices?.[0]?.delta?.content ?? "")
      .join("");
    expect(content).toBe("tok0 tok1 ");
    expect(JSON.parse(events.at(-1)!.slice(6))).toMatchObject({
      error: { message: expect.stringMatching(/an error was encountered while running the model: fake failure/) },
    });
    expect(text).not.toContain("data: [DONE]");
    const r = await record();
    expect(r).toMatchObject({ status: "PARTIAL", completionTokens: 2, usageEstimated: true });
    expect(r.error).toMatch(/an error was encountered while running the model: fake failure/);
    expect(r.cost).toBe(BigInt(r.promptTokens) * 1n + 2n * 3n);
  });

  it("keeps an empty user message for Ollama, which accepts it", async () => {
    const { res } = await ask("llama", { messages: [{ role: "user", content: "" }] });
    expect(res.status).toBe(200);
  });
});
