// Item 22: after a 429 (or a 5xx) the request falls back to the next model, and is billed at the
// price of the model that served it — the failed attempts cost nothing. Running out of budget
// (balance, quota, rate limit) is decided before any upstream call and never triggers a fallback:
// the client gets the refusal and neither upstream hears a thing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { worstCase } from "@/lib/billing/estimate";
import { resetConfig } from "@/lib/config";
import { createModel, createProvider } from "@/lib/providers/admin";
import { findModel } from "@/lib/providers/catalog";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { startInFreshMinute } from "../helpers/clock";
import { userWithKey } from "../helpers/gateway";
import { inFlight, NOTHING_IN_FLIGHT, postCompletion, recordOf, walletOf } from "../helpers/money";

process.env.UPSTREAM_MAX_RETRIES = "1";
resetConfig();

// Each model on its own server, so "the fallback upstream got nothing" can be checked.
const primaryUp = await startFakeUpstream();
const backupUp = await startFakeUpstream();
const messages = [{ role: "user", content: "which model answers?" }];

beforeAll(async () => {
  await startApp();
  const primary = await createProvider({ name: "primary", kind: "OPENAI_COMPATIBLE", baseUrl: `${primaryUp.url}/v1` });
  const backup = await createProvider({ name: "backup", kind: "OPENAI_COMPATIBLE", baseUrl: `${backupUp.url}/v1` });
  // Prices per million tokens differ on every model, so the record shows whose price was used.
  await createModel({
    publicId: "dear-backup",
    providerId: backup.id,
    upstreamId: "fake-model",
    inputPrice: "5",
    outputPrice: "11",
  });
  await createModel({
    publicId: "cheap-backup",
    providerId: backup.id,
    upstreamId: "fake-model:chunks=4",
    inputPrice: "1",
    outputPrice: "1",
  });
  await createModel({
    publicId: "cheap-429",
    providerId: primary.id,
    upstreamId: "fake-model:fail=429",
    inputPrice: "1",
    outputPrice: "2",
    fallbacks: ["dear-backup"],
  });
  await createModel({
    publicId: "dear-429",
    providerId: primary.id,
    upstreamId: "fake-model:fail=429",
    inputPrice: "7",
    outputPrice: "13",
    fallbacks: ["cheap-backup"],
  });
  await createModel({
    publicId: "flaky-500",
    providerId: primary.id,
    upstreamId: "fake-model:fail=500",
    inputPrice: "1",
    outputPrice: "2",
    fallbacks: ["dear-backup"],
  });
  await createModel({
    publicId: "cheap-ok",
    providerId: primary.id,
    upstreamId: "fake-model",
    inputPrice: "1",
    outputPrice: "2",
    fallbacks: ["dear-backup"],
  });
});
afterAll(async () => {
  await primaryUp.close();
  await backupUp.close();
});

const served = (up: typeof backupUp) => up.requests.at(-1)!.usage;

describe("fallback after a 429: each attempt priced at its own model", () => {
  it.each([
    { model: "cheap-429", fallback: "dear-backup", prices: { input: 5n, output: 11n }, stream: false },
    { model: "cheap-429", fallback: "dear-backup", prices: { input: 5n, output: 11n }, stream: true },
    { model: "dear-429", fallback: "cheap-backup", prices: { input: 1n, output: 1n }, stream: true },
  ])(
    "$model (stream: $stream) → $fallback, billed at $fallback's prices only",
    async ({ model, fallback, prices, stream }) => {
      const { key, keyId } = await userWithKey({ limits: { balance: 1_000_000n } });
      const before = { primary: primaryUp.requests.length, backup: backupUp.requests.length };
      const requestId = `fb-${model}-${stream}`;
      const res = await postCompletion(
        key,
        { model, messages, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) },
        { requestId },
      );
      expect(res.status).toBe(200);
      await res.text();
      expect(primaryUp.requests.length - before.primary).toBe(2); // the first try and its retry, both 429
      expect(backupUp.requests.length - before.backup).toBe(1);
      const r = await recordOf(requestId);
      const usage = served(backupUp);
      expect(r).toMatchObject({
        status: "OK",
        model: fallback,
        requestedModel: model,
        attempts: 3,
        promptTokens: usage.prompt,
        completionTokens: usage.completion,
      });
      expect(r.cost).toBe(BigInt(usage.prompt) * prices.input + BigInt(usage.completion) * prices.output);
      expect((await walletOf(keyId)).balance).toBe(1_000_000n - r.cost);
      expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
    },
  );

  it("a 5xx is retried, then served by the fallback model", async () => {
    const { key } = await userWithKey();
    const res = await postCompletion(key, { model: "flaky-500", messages }, { requestId: "fb-500" });
    expect((await res.json()).choices[0].message.content).toBe("tok0 tok1 tok2 tok3 tok4 ");
    expect(await recordOf("fb-500")).toMatchObject({
      status: "OK",
      model: "dear-backup",
      attempts: 3,
      completionTokens: 5,
    });
  });
});

describe("running out of budget never triggers a fallback", () => {
  async function expectRefusedWithoutUpstream(key: string, model: string, status: number, limit: string) {
    const before = { primary: primaryUp.requests.length, backup: backupUp.requests.length };
    const res = await postCompletion(key, { model, messages, max_tokens: 10 });
    expect(res.status).toBe(status);
    expect((await res.json()).error.limit).toBe(limit);
    expect(primaryUp.requests.length).toBe(before.primary);
    expect(backupUp.requests.length).toBe(before.backup);
  }

  it("an empty balance answers 402; neither the model's upstream nor the fallback's gets the request", async () => {
    const { key } = await userWithKey({ limits: { balance: 0n } });
    await expectRefusedWithoutUpstream(key, "cheap-429", 402, "balance");
    await expectRefusedWithoutUpstream(key, "cheap-ok", 402, "balance");
  });

  it("a balance that covers the model but not its dearer fallback is refused up front, not served and then overspent", async () => {
    const [cheap, dear] = [(await findModel("cheap-ok"))!, (await findModel("dear-backup"))!];
    const { key } = await userWithKey({ limits: { balance: worstCase([cheap], messages, 10).money } });
    expect(worstCase([cheap, dear], messages, 10).money).toBeGreaterThan(worstCase([cheap], messages, 10).money);
    await expectRefusedWithoutUpstream(key, "cheap-ok", 402, "balance");
  });

  it("a used-up monthly quota or rate limit answers 429 itself, without trying any upstream", async () => {
    startInFreshMinute();
    const { key } = await userWithKey({ limits: { monthlyQuota: 1n } });
    await expectRefusedWithoutUpstream(key, "cheap-429", 429, "monthly_quota");
    const limited = await userWithKey({ limits: { rpm: 1 } });
    expect((await postCompletion(limited.key, { model: "cheap-ok", messages })).status).toBe(200);
    await expectRefusedWithoutUpstream(limited.key, "cheap-429", 429, "rpm");
  });
});
