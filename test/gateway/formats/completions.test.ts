// POST /v1/completions and GET /v1/models/{id} with the official OpenAI SDK: prompt as a string or
// an array, streaming, what a chat model cannot do refused by name, billing as chat completions.

import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMoney } from "@/lib/billing/money";
import { flushRecords } from "@/lib/billing/recorder";
import { startFakeUpstream } from "../../fake-upstream/server.mjs";
import { startApp } from "../../helpers/app";
import { sdk, seedProviders, userWithKey } from "../../helpers/gateway";
import { inFlight, NOTHING_IN_FLIGHT, walletOf } from "../../helpers/money";

const up = await startFakeUpstream();
let key = "";
const BALANCE = 1_000_000n;

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
  ({ key } = await userWithKey());
});
afterAll(() => up.close());

const lastUpstreamBody = () => up.requests.filter((r) => r.model !== undefined).at(-1)!.body as Record<string, unknown>;

describe.each(["compat-fake", "bedrock-fake"])("completions.create against %s", (model) => {
  it("answers a prompt string as a text_completion, with usage and cost", async () => {
    const res = await sdk(key).completions.create({ model, prompt: "echo: say this" }).withResponse();
    expect(res.data).toMatchObject({
      object: "text_completion",
      model,
      choices: [{ text: "say this", index: 0, finish_reason: "stop", logprobs: null }],
    });
    expect(res.data.usage).toMatchObject({ completion_tokens: 2 });
    expect(res.response.headers.get("x-tollgate-cost")).toBe((res.data.usage as unknown as { cost: string }).cost);
  });

  it("streams text chunks and, with include_usage, the usage", async () => {
    const stream = await sdk(key).completions.create({
      model,
      prompt: "stream please",
      stream: true,
      stream_options: { include_usage: true },
    });
    const texts: string[] = [];
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.text) texts.push(chunk.choices[0].text);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(texts).toEqual(["tok0 ", "tok1 ", "tok2 ", "tok3 ", "tok4 "]);
    expect(usage).toMatchObject({ completion_tokens: 5 });
  });
});

describe("completions: prompts and parameters", () => {
  it("sends the prompt as one user message, with OpenAI's default max_tokens of 16", async () => {
    await sdk(key).completions.create({ model: "compat-fake", prompt: "hello", temperature: 0.5, stop: ["\n"] });
    expect(lastUpstreamBody()).toMatchObject({
      messages: [{ role: "user", content: "hello" }],
      max_tokens: 16,
      temperature: 0.5,
      stop: ["\n"],
    });
  });

  it("answers an array of prompts with one choice per prompt, billed per prompt", async () => {
    const { key: k, keyId } = await userWithKey({ limits: { balance: BALANCE } });
    const res = await sdk(k).completions.create({ model: "compat-fake", prompt: ["echo: first", "echo: second one"] });
    expect(res.choices.map((c) => [c.index, c.text])).toEqual([
      [0, "first"],
      [1, "second one"],
    ]);
    await flushRecords();
    const cost = (res.usage as unknown as { cost: string }).cost;
    expect(res.usage).toMatchObject({ completion_tokens: 3 });
    expect((await walletOf(keyId)).balance).toBe(BALANCE - parseMoney(cost)!);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it.each([
    [{ suffix: "end" }, "suffix", /suffix.*not supported/],
    [{ echo: true }, "echo", /echo is not supported/],
    [{ best_of: 3 }, "best_of", /best_of/],
    [{ prompt: [1, 2, 3] }, "prompt", /token-id prompts/],
    [{ prompt: null }, "prompt", /is required/],
    [{ n: 0 }, "n", /./],
    [{ max_tokens: -1 }, "max_tokens", /./],
  ])("refuses %j naming %s", async (extra, param, message) => {
    const err = await sdk(key)
      .completions.create({
        model: "compat-fake",
        prompt: "x",
        ...extra,
      } as unknown as OpenAI.CompletionCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.APIError>).param).toBe(param);
    expect((err as Error).message).toMatch(message);
  });

  it("a refused request charges nothing", async () => {
    const { key: k, keyId } = await userWithKey({ limits: { balance: 0n } });
    await expect(sdk(k).completions.create({ model: "compat-fake", prompt: "x" })).rejects.toMatchObject({
      status: 402,
    });
    expect((await walletOf(keyId)).balance).toBe(0n);
  });
});

describe("models.retrieve", () => {
  it("returns a model the key may use, with its prices", async () => {
    const m = await sdk(key).models.retrieve("compat-fake");
    expect(m).toMatchObject({
      id: "compat-fake",
      object: "model",
      owned_by: "vllm-test",
      pricing: { input_per_million: "1.000000" },
    });
  });

  it("answers 404 in OpenAI's shape for an unknown model and for one the key may not use", async () => {
    await expect(sdk(key).models.retrieve("no-such-model")).rejects.toMatchObject({
      status: 404,
      code: "model_not_found",
    });
    const limited = await userWithKey({ allowedModels: ["gpt-fake"] });
    await expect(sdk(limited.key).models.retrieve("compat-fake")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect((await sdk(limited.key).models.retrieve("gpt-fake")).id).toBe("gpt-fake");
  });
});
