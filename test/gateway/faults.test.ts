import { afterAll, beforeAll, describe, expect, it } from "vitest";
import OpenAI from "openai";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { gatewayFetch, sdk, seedProviders, userWithKey } from "../helpers/gateway";
import { flushRecords } from "@/lib/billing/recorder";
import { createModel } from "@/lib/providers/admin";
import { getDb } from "@/lib/db/client";

process.env.UPSTREAM_MAX_RETRIES = "1";
process.env.UPSTREAM_TTFT_TIMEOUT_MS = "400";
process.env.UPSTREAM_IDLE_TIMEOUT_MS = "400";

const up = await startFakeUpstream();
let key = "";
let providers: Awaited<ReturnType<typeof seedProviders>>;

beforeAll(async () => {
  await startApp();
  providers = await seedProviders(up);
  for (const [publicId, upstreamId, fallbacks] of [
    ["cut-model", "fake-model:chunks=10:cut=3", []],
    ["flaky-model", "fake-model:fail=500", ["gpt-fake"]],
    ["slow-start", "fake-model:ttft=3000", []],
    ["stall-model", "fake-model:chunks=6:idle=1500", []],
    ["long-model", "fake-model:chunks=200:idle=20", []],
  ] as const) {
    await createModel({ publicId, providerId: providers.openai, upstreamId, inputPrice: "1", outputPrice: "2", fallbacks: [...fallbacks] });
  }
  ({ key } = await userWithKey());
});
afterAll(() => up.close());

async function lastRequest(model?: string) {
  await flushRecords();
  const db = await getDb();
  return db.request.findFirstOrThrow({ where: model ? { requestedModel: model } : {}, orderBy: { createdAt: "desc" } });
}

async function reservedTotal() {
  const db = await getDb();
  const rows = await db.limit.findMany({ select: { reserved: true, tokenReserved: true } });
  return rows.reduce((n, r) => n + r.reserved + r.tokenReserved, 0n);
}

describe("upstream faults", () => {
  it("a stream cut mid-way ends with an error event and is recorded as partial with the tokens produced", async () => {
    const stream = await sdk(key).chat.completions.create({ model: "cut-model", messages: [{ role: "user", content: "go" }], stream: true });
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) got.push(chunk.choices[0].delta.content);
      })(),
    ).rejects.toThrow();
    expect(got).toEqual(["tok0 ", "tok1 ", "tok2 "]);
    const r = await lastRequest("cut-model");
    expect(r.status).toBe("PARTIAL");
    expect(r.completionTokens).toBe(3);
    expect(r.usageEstimated).toBe(true);
    expect(r.cost).toBe(BigInt(r.promptTokens * 1 + 3 * 2));
    expect(await reservedTotal()).toBe(0n);
  });

  it("an upstream 500 is retried and then served by the fallback model", async () => {
    const res = await sdk(key).chat.completions.create({ model: "flaky-model", messages: [{ role: "user", content: "hi" }] });
    expect(res.choices[0].message.content).toBe("tok0 tok1 tok2 tok3 tok4 ");
    const r = await lastRequest("flaky-model");
    expect(r).toMatchObject({ status: "OK", model: "gpt-fake", attempts: 3, completionTokens: 5 });
    expect(up.requests.filter((q) => q.model === "fake-model:fail=500")).toHaveLength(2);
  });

  it("a time-to-first-token timeout answers 504 and releases the reservation", async () => {
    const err = await sdk(key)
      .chat.completions.create({ model: "slow-start", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    const r = await lastRequest("slow-start");
    expect(r).toMatchObject({ status: "ERROR", completionTokens: 0, cost: 0n, attempts: 2 });
    expect(await reservedTotal()).toBe(0n);
  });

  it("an upstream that stalls between chunks ends the stream with an error event", async () => {
    const stream = await sdk(key).chat.completions.create({ model: "stall-model", messages: [{ role: "user", content: "hi" }], stream: true });
    const got: string[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) got.push(chunk.choices[0].delta.content);
    })().catch((e: unknown) => e);
    expect(String(failure)).toMatch(/sent nothing for 400 ms/);
    expect(got).toEqual(["tok0 "]);
    const r = await lastRequest("stall-model");
    expect(r).toMatchObject({ status: "PARTIAL", completionTokens: 1 });
  });

  it("a client that disconnects aborts the upstream call and is billed for what was produced", async () => {
    const controller = new AbortController();
    const stream = await sdk(key).chat.completions.create(
      { model: "long-model", messages: [{ role: "user", content: "long answer please" }], stream: true },
      { signal: controller.signal },
    );
    let seen = 0;
    await (async () => {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta?.content && ++seen === 5) controller.abort();
      }
    })().catch(() => {});
    const r = await lastRequest("long-model");
    expect(r.status).toBe("ABORTED");
    expect(r.completionTokens).toBeGreaterThanOrEqual(5);
    expect(r.completionTokens).toBeLessThan(200);
    expect(r.cost).toBe(BigInt(r.promptTokens + 2 * r.completionTokens));
    await expect.poll(() => up.requests.find((q) => q.model === "fake-model:chunks=200:idle=20")?.aborted, { timeout: 3_000 }).toBe(true);
    expect(await reservedTotal()).toBe(0n);
  });
});

describe("API keys", () => {
  const body = JSON.stringify({ model: "gpt-fake", messages: [{ role: "user", content: "x" }] });
  const post = (headers: Record<string, string>) =>
    gatewayFetch("http://tollgate.test/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  it("refuses revoked, expired, unknown and malformed keys with 401 in OpenAI's shape, never echoing the key", async () => {
    const { revokeApiKey, createApiKey } = await import("@/lib/keys/service");
    const { user, key: revoked, keyId } = await userWithKey();
    await revokeApiKey(keyId);
    const db = await getDb();
    const expiring = await createApiKey({ userId: user.id, name: "short-lived", expiresAt: new Date(Date.now() + 60_000) });
    await db.apiKey.update({ where: { id: expiring.record.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const { invalidateKeyIndex } = await import("@/lib/auth/api-keys");
    invalidateKeyIndex();
    const unknown = `tg-${"A".repeat(40)}`;
    for (const [bad, message] of [
      [revoked, /revoked/],
      [expiring.key, /expired/],
      [unknown, /Invalid API key/],
      ["sk-not-ours", /Invalid API key/],
    ] as const) {
      for (const headers of [{ authorization: `Bearer ${bad}` }, { "x-api-key": bad }] as Array<Record<string, string>>) {
        const res = await post(headers);
        expect(res.status).toBe(401);
        const text = await res.text();
        expect(text).not.toContain(bad);
        const json = JSON.parse(text);
        expect(json.error).toMatchObject({ type: "authentication_error", code: "invalid_api_key" });
        expect(json.error.message).toMatch(message);
      }
    }
    expect((await post({})).status).toBe(401);
  });

  it("refuses a model the key is not allowed to use with 403", async () => {
    const { key: limited } = await userWithKey({ allowedModels: ["compat-fake"] });
    const res = await post({ authorization: `Bearer ${limited}` });
    expect(res.status).toBe(403);
    expect((await res.json()).error.type).toBe("permission_error");
    const models = await sdk(limited).models.list();
    expect(models.data.map((m) => m.id)).toEqual(["compat-fake"]);
  });
});

describe("client-chosen upstreams", () => {
  it("ignores base_url / api_base in the body: the other server receives nothing", async () => {
    const other = await startFakeUpstream();
    try {
      const res = await post(key, { model: "gpt-fake", messages: [{ role: "user", content: "x" }], base_url: other.url, api_base: `${other.url}/v1`, baseURL: other.url });
      expect(res.status).toBe(200);
      expect(other.requests).toHaveLength(0);
      const forwarded = up.requests.at(-1)!.body as Record<string, unknown>;
      expect(forwarded).not.toHaveProperty("base_url");
      expect(forwarded).not.toHaveProperty("api_base");
    } finally {
      await other.close();
    }
  });
});

function post(apiKey: string, body: unknown) {
  return gatewayFetch("http://tollgate.test/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
}

describe("sessions for stateless clients", () => {
  it("groups three turns of one conversation into one session without any header", async () => {
    const { key: own, user } = await userWithKey();
    const client = sdk(own);
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "system", content: "be brief" }];
    for (const turn of ["first question", "second question", "third question"]) {
      messages.push({ role: "user", content: turn });
      const res = await client.chat.completions.create({ model: "gpt-fake", messages });
      messages.push(res.choices[0].message);
    }
    await flushRecords();
    const db = await getDb();
    const sessions = await db.chatSession.findMany({ where: { userId: user.id }, include: { requests: true } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ source: "API", title: "first question" });
    expect(sessions[0].requests).toHaveLength(3);
  });

  it("uses x-session-id when given", async () => {
    const { key: own, user } = await userWithKey();
    for (const content of ["a", "unrelated b"]) {
      await sdk(own).chat.completions.create({ model: "gpt-fake", messages: [{ role: "user", content }] }, { headers: { "x-session-id": "crm-ticket-42" } });
    }
    await flushRecords();
    const db = await getDb();
    const sessions = await db.chatSession.findMany({ where: { userId: user.id }, include: { requests: true } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0].requests).toHaveLength(2);
  });
});
