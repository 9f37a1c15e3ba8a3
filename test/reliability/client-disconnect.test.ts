// Items 19 and 20: a client that leaves mid-stream — also after the last content chunk, before the
// usage chunk — is billed for its input plus the output produced, within seconds, and the upstream
// call is aborted. A client that leaves before the first byte, or an upstream that reports zero
// usage or none for an empty answer, is charged nothing: no phantom charge.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { createModel } from "@/lib/providers/admin";
import { openStreams } from "@/lib/shutdown";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { seedProviders, userWithKey } from "../helpers/gateway";
import { inFlight, NOTHING_IN_FLIGHT, postCompletion, recordOf, walletOf } from "../helpers/money";

const up = await startFakeUpstream();
const BALANCE = 1_000_000n;

beforeAll(async () => {
  await startApp();
  const providers = await seedProviders(up);
  for (const [publicId, upstreamId] of [
    ["long", "fake-model:chunks=200:idle=20"],
    ["pause-before-usage", "fake-model:chunks=3:idle=400"],
    ["slow-start", "fake-model:ttft=1500"],
    ["zero-usage", "fake-model:chunks=0:zerousage"],
    ["silent-empty", "fake-model:chunks=0:nousage"],
    ["silent", "fake-model:chunks=5:nousage"],
  ] as const) {
    await createModel({ publicId, providerId: providers.compat, upstreamId, inputPrice: "1", outputPrice: "2" });
  }
});
afterAll(() => up.close());

const upstreamCall = (model: string) => up.requests.filter((r) => r.model === model).at(-1)!;

/** Streams `model` and leaves (abort + cancel) once `leaveAfter` content chunks arrived. */
async function streamAndLeave(key: string, model: string, requestId: string, leaveAfter: number) {
  const controller = new AbortController();
  const res = await postCompletion(
    key,
    {
      model,
      messages: [{ role: "user", content: "a long answer please" }],
      stream: true,
      stream_options: { include_usage: true },
    },
    { signal: controller.signal, requestId },
  );
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while ((text.match(/"content":"tok/g) ?? []).length < leaveAfter) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the stream ended before the client left");
    text += decoder.decode(value, { stream: true });
  }
  controller.abort();
  await reader.cancel().catch(() => {});
  return { leftAt: Date.now(), text };
}

/** The charge the fake upstream's own count justifies, at 1 / 2 per million tokens. */
const justified = (usage: { prompt: number; completion: number }) => BigInt(usage.prompt * 1 + usage.completion * 2);

describe("a client that leaves mid-stream (item 19)", () => {
  it("is billed for input plus produced output within seconds, and the upstream call is aborted", async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: BALANCE } });
    const { leftAt } = await streamAndLeave(key, "long", "leave-mid", 5);
    const r = await recordOf("leave-mid");
    expect(Date.now() - leftAt).toBeLessThan(3_000);
    expect(r.status).toBe("ABORTED");
    expect(r.completionTokens).toBeGreaterThanOrEqual(5);
    expect(r.completionTokens).toBeLessThan(200);
    expect(r.cost).toBe(BigInt(r.promptTokens + 2 * r.completionTokens));
    await expect.poll(() => upstreamCall("fake-model:chunks=200:idle=20").aborted, { timeout: 3_000 }).toBe(true);
    expect((await walletOf(keyId)).balance).toBe(BALANCE - r.cost);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("after the last content chunk and before the usage chunk: billed exactly what the upstream produced", async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: BALANCE } });
    const { leftAt, text } = await streamAndLeave(key, "pause-before-usage", "leave-before-usage", 3);
    expect(text).not.toContain('"usage"');
    const r = await recordOf("leave-before-usage");
    expect(Date.now() - leftAt).toBeLessThan(3_000);
    const served = upstreamCall("fake-model:chunks=3:idle=400");
    await expect.poll(() => served.aborted, { timeout: 3_000 }).toBe(true);
    expect(served.reportedUsage).toBeUndefined();
    // The usage never came: the prompt is estimated by the rule the fake counts by, the output is the 3 chunks.
    expect(r).toMatchObject({
      status: "ABORTED",
      completionTokens: 3,
      promptTokens: served.usage.prompt,
      usageEstimated: true,
    });
    expect(r.cost).toBe(justified(served.usage));
    expect((await walletOf(keyId)).balance).toBe(BALANCE - r.cost);
    expect(openStreams()).toBe(0);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });
});

describe("no phantom charge (item 20)", () => {
  async function expectNoCharge(keyId: string, requestId: string) {
    const r = await recordOf(requestId);
    expect(r.cost).toBe(0n);
    expect((await walletOf(keyId)).balance).toBe(BALANCE);
    const db = await getDb();
    const wallet = await walletOf(keyId);
    expect(await db.transaction.count({ where: { limitId: wallet.id, kind: "USAGE" } })).toBe(0);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
    return r;
  }

  it("a client that leaves before the first byte pays nothing, and the upstream call is aborted", async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: BALANCE } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const res = await postCompletion(
      key,
      { model: "slow-start", messages: [{ role: "user", content: "hi" }], stream: true },
      { signal: controller.signal, requestId: "leave-early" },
    ).catch((e: unknown) => e);
    if (res instanceof Response) expect(res.status).toBe(499);
    const r = await expectNoCharge(keyId, "leave-early");
    expect(r).toMatchObject({ status: "ABORTED", promptTokens: 0, completionTokens: 0 });
    await expect.poll(() => upstreamCall("fake-model:ttft=1500").aborted, { timeout: 3_000 }).toBe(true);
  });

  it("an upstream that reports zero usage for an empty answer: nothing charged", async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: BALANCE } });
    for (const stream of [true, false]) {
      const requestId = `zero-${stream}`;
      const res = await postCompletion(
        key,
        { model: "zero-usage", messages: [{ role: "user", content: "hi" }], stream },
        { requestId },
      );
      expect(res.status).toBe(200);
      await res.text();
      expect(await expectNoCharge(keyId, requestId)).toMatchObject({ status: "OK", completionTokens: 0 });
    }
  });

  it("an upstream that reports no usage and produced nothing: nothing charged, not even an estimated prompt", async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: BALANCE } });
    const res = await postCompletion(
      key,
      {
        model: "silent-empty",
        messages: [{ role: "user", content: "a prompt that would cost something" }],
        stream: true,
      },
      { requestId: "silent-empty" },
    );
    await res.text();
    expect(await expectNoCharge(keyId, "silent-empty")).toMatchObject({
      status: "OK",
      promptTokens: 0,
      completionTokens: 0,
    });
  });

  it("an upstream that reports no usage but answered: charged what it produced, by its own count, marked estimated", async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: BALANCE } });
    const res = await postCompletion(
      key,
      { model: "silent", messages: [{ role: "user", content: "count me" }], stream: true },
      { requestId: "silent" },
    );
    await res.text();
    const served = upstreamCall("fake-model:chunks=5:nousage");
    const r = await recordOf("silent");
    expect(r).toMatchObject({
      status: "OK",
      usageEstimated: true,
      promptTokens: served.usage.prompt,
      completionTokens: 5,
    });
    expect(r.cost).toBe(justified(served.usage));
    expect((await walletOf(keyId)).balance).toBe(BALANCE - r.cost);
  });
});
