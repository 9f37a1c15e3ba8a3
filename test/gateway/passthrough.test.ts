import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateApiKey, keyIndexLoads } from "@/lib/auth/api-keys";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { createModel, createProvider } from "@/lib/providers/admin";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { gatewayFetch, sdk, seedProviders, userWithKey } from "../helpers/gateway";

process.env.UPSTREAM_MAX_RETRIES = "1";
const up = await startFakeUpstream();
let key = "";

beforeAll(async () => {
  await startApp();
  const providers = await seedProviders(up);
  await createModel({
    publicId: "slow-stream",
    providerId: providers.compat,
    upstreamId: "fake-model:chunks=6:idle=150",
    inputPrice: "1",
    outputPrice: "1",
  });
  ({ key } = await userWithKey());
});
afterAll(() => up.close());

describe("forwarding", () => {
  it("passes fields it does not interpret through to OpenAI-wire upstreams, with the upstream model id", async () => {
    await sdk(key).chat.completions.create({
      model: "compat-fake",
      messages: [{ role: "user", content: "x" }],
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 50,
      stop: ["END"],
      response_format: { type: "json_object" },
      logit_bias: { "50256": -100 },
      user: "end-user-7",
    } as Parameters<ReturnType<typeof sdk>["chat"]["completions"]["create"]>[0]);
    const body = up.requests.at(-1)!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      model: "fake-model",
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 50,
      stop: ["END"],
      response_format: { type: "json_object" },
      logit_bias: { "50256": -100 },
      user: "end-user-7",
    });
    expect(up.requests.at(-1)!.headers.authorization).toBe("Bearer vllm-secret");
  });

  it("relays a stream as it arrives instead of buffering it", async () => {
    const started = performance.now();
    const stream = await sdk(key).chat.completions.create({
      model: "slow-stream",
      messages: [{ role: "user", content: "x" }],
      stream: true,
    });
    const arrivals: number[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) arrivals.push(performance.now() - started);
    expect(arrivals).toHaveLength(6);
    // six chunks 150 ms apart: the first arrives long before the last was produced
    expect(arrivals[5] - arrivals[0]).toBeGreaterThan(600);
  });

  it("relays each usual event as the upstream's own bytes, and rewrites only what it must", async () => {
    // An upstream that writes exactly these bytes, in two reads cut inside an event and inside a
    // character: spacing of its own, multi-byte text, an event in CRLF lines, a comment, bytes that
    // are not UTF-8, then usage and [DONE].
    const chunk = (content: string) =>
      `{ "id" : "c1", "object":"chat.completion.chunk", "choices" : [ {"index":0,"delta":{"content":${JSON.stringify(content)}}} ] }`;
    const usage =
      '{"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}';
    const [before, after] = chunk("x@").split("@");
    const notUtf8 = Buffer.concat([Buffer.from(`data: ${before}`), Buffer.from([0xff]), Buffer.from(`${after}\n\n`)]);
    const body = Buffer.concat([
      Buffer.from(`data: ${chunk("héllo ")}\n\ndata: ${chunk("日本語 ")}\n\n: keep-alive\n\n`),
      Buffer.from(`data: ${chunk("crlf ")}\r\n\r\n`),
      notUtf8,
      Buffer.from(`data: ${chunk("end")}\n\ndata: ${usage}\n\ndata: [DONE]\n\n`),
    ]);
    const cut = body.indexOf(Buffer.from("日")) + 1;
    const raw = http.createServer((req, res) => {
      req.resume().on("end", () => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(body.subarray(0, cut));
        setTimeout(() => res.end(body.subarray(cut)), 20);
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
    try {
      const provider = await createProvider({
        name: "raw-bytes",
        kind: "OPENAI_COMPATIBLE",
        baseUrl: `http://127.0.0.1:${(raw.address() as AddressInfo).port}/v1`,
      });
      await createModel({
        publicId: "raw-bytes",
        providerId: provider.id,
        upstreamId: "m",
        inputPrice: "1",
        outputPrice: "1",
      });
      const call = (include_usage: boolean) =>
        gatewayFetch("http://tollgate.test/v1/chat/completions", {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({
            model: "raw-bytes",
            messages: [{ role: "user", content: "x" }],
            stream: true,
            stream_options: { include_usage },
          }),
        });
      const res = await call(false);
      expect(res.status).toBe(200);
      const got = Buffer.from(await res.arrayBuffer());
      // The upstream's events as they came; the CRLF one in LF lines; the one that is not UTF-8 as its
      // text (U+FFFD); no comment; no usage (not asked for).
      const expected = Buffer.concat([
        Buffer.from(`data: ${chunk("héllo ")}\n\ndata: ${chunk("日本語 ")}\n\ndata: ${chunk("crlf ")}\n\n`),
        Buffer.from(`data: ${chunk("x\uFFFD")}\n\n`),
        Buffer.from(`data: ${chunk("end")}\n\ndata: [DONE]\n\n`),
      ]);
      expect(got.toString("utf8")).toBe(expected.toString("utf8"));
      expect(got.equals(expected)).toBe(true);
      // Asked for usage: the usage event is Tollgate's own, with the cost; the rest unchanged.
      const priced = (await (await call(true)).text()).split("\n\n");
      expect(priced.slice(0, 5).join("\n\n")).toBe(expected.toString("utf8").split("\n\n").slice(0, 5).join("\n\n"));
      expect(JSON.parse(priced[5].slice(6)).usage).toMatchObject({
        prompt_tokens: 3,
        completion_tokens: 4,
        cost: expect.any(String),
      });
      expect(priced.slice(6)).toEqual(["data: [DONE]", ""]);
    } finally {
      raw.close();
    }
  });

  it("asks streaming upstreams for usage even when the client did not, and drops that chunk for the client", async () => {
    const res = await gatewayFetch("http://tollgate.test/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: "compat-fake", messages: [{ role: "user", content: "x" }], stream: true }),
    });
    const text = await res.text();
    expect((up.requests.at(-1)!.body as { stream_options: unknown }).stream_options).toEqual({ include_usage: true });
    expect(text).not.toContain('"usage"');
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    await flushRecords();
    const db = await getDb();
    const r = await db.request.findFirstOrThrow({
      where: { model: "compat-fake", stream: true },
      orderBy: { createdAt: "desc" },
    });
    expect(r).toMatchObject({ completionTokens: 5, usageEstimated: false });
  });
});

describe("Bedrock regions", () => {
  it("fails over to the next region when one is throttled", async () => {
    up.setBehavior({ failNext: { status: 429, count: 1 } });
    const res = await sdk(key).chat.completions.create({
      model: "bedrock-fake",
      messages: [{ role: "user", content: "x" }],
    });
    expect(res.choices[0].message.content).toBe("tok0 tok1 tok2 tok3 tok4 ");
    await flushRecords();
    const db = await getDb();
    const r = await db.request.findFirstOrThrow({ where: { model: "bedrock-fake" }, orderBy: { createdAt: "desc" } });
    expect(r.attempts).toBe(2);
    expect(["us-east-1", "eu-west-1"]).toContain(r.region);
    // the two attempts were signed for different regions (SigV4 credential scope)
    const regions = up.requests
      .slice(-2)
      .map((q) => /Credential=[^/]+\/\d+\/([a-z0-9-]+)\//.exec(String(q.headers.authorization))?.[1]);
    expect(new Set(regions).size).toBe(2);
    expect(regions[1]).toBe(r.region);
  });

  it("spreads requests over the regions", async () => {
    for (let i = 0; i < 4; i++)
      await sdk(key).chat.completions.create({ model: "bedrock-fake", messages: [{ role: "user", content: "x" }] });
    await flushRecords();
    const db = await getDb();
    const rows = await db.request.findMany({
      where: { model: "bedrock-fake", status: "OK" },
      orderBy: { createdAt: "desc" },
      take: 4,
    });
    expect(new Set(rows.map((r) => r.region))).toEqual(new Set(["us-east-1", "eu-west-1"]));
  });
});

describe("key cache", () => {
  it("authenticates a cached key with no database query, and a flood of unknown keys costs at most one", async () => {
    await authenticateApiKey(key);
    const before = keyIndexLoads();
    for (let i = 0; i < 200; i++) await authenticateApiKey(key);
    expect(keyIndexLoads()).toBe(before);
    const bad = Array.from({ length: 500 }, (_, i) => `tg-${String(i).padStart(40, "Z")}`);
    const results = await Promise.allSettled(bad.map((k) => authenticateApiKey(k)));
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(keyIndexLoads() - before).toBeLessThanOrEqual(1);
  });
});
