// Issue 26, item 4: an upstream that speaks HTTP/2 (OpenAI, Bedrock) carries many streams on one
// connection, so 10,000 open streams need ~100 upstream sockets, not 10,000 (the server's open-files
// limit). The fake upstream serves TLS with HTTP/2 and HTTP/1.1 (ALPN), as the real ones do; each
// provider kind streams over it; a burst of streams shares connections of at most
// UPSTREAM_HTTP2_STREAMS; one stream reset by the upstream ends alone; clients that leave are
// billed their one chunk and their upstream streams are cancelled. Plain HTTP/1.1 upstreams keep one
// request per connection (test/reliability/open-streams.test.ts: 270 at once, none waiting).
import type { ServerHttp2Session } from "node:http2";
import tls from "node:tls";
import type { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { outboundAgent } from "@/lib/net/fetch";
import { createModel, createProvider } from "@/lib/providers/admin";
import { upstreamAgentOptions } from "@/lib/providers/http";
import { openStreams } from "@/lib/shutdown";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { selfSignedCert } from "../fake-upstream/tls.mjs";
import { startApp } from "../helpers/app";
import { seedProviders, userWithKey } from "../helpers/gateway";
import { expectEachBilledItsChunk, type HeldStream, openUntilFirstToken } from "../helpers/held-streams";
import { inFlight, NOTHING_IN_FLIGHT, postCompletion, recordOf, walletOf } from "../helpers/money";

const cert = selfSignedCert();
const up = await startFakeUpstream({ tls: cert });
/** The protocol each connection to the fake chose, in order. */
const connections: string[] = [];
up.server.on("secureConnection", (socket: tls.TLSSocket) => connections.push(String(socket.alpnProtocol)));
/** The fake's HTTP/2 sessions still open. */
const sessions = new Set<ServerHttp2Session>();
up.server.on("session", (session: ServerHttp2Session) => {
  sessions.add(session);
  session.on("close", () => sessions.delete(session));
});

/** UPSTREAM_HTTP2_STREAMS as an operator who turns HTTP/2 on would set it (it is 0, off, by default). */
const H2_STREAMS = 100;
const STREAMS = H2_STREAMS + 50; // more than one connection carries
const BALANCE = 1_000_000_000n;
const HELD = "fake-model:chunks=3:idle=60000"; // the first token at once, then a minute's wait
const CUT = "fake-model:cut=1"; // the upstream resets the stream after its first chunk

beforeAll(async () => {
  await startApp();
  // The gateway's own agent with HTTP/2 on, trusting the fake's certificate besides the public roots.
  // (A server started by `npm start` would take NODE_EXTRA_CA_CERTS; this test runs the gateway in-process.)
  const options = upstreamAgentOptions();
  expect(options.http2Streams).toBe(0); // off unless turned on
  (globalThis as { tollgateAgent?: Agent }).tollgateAgent = outboundAgent({
    ...options,
    http2Streams: H2_STREAMS,
    connect: { ...options.connect, ca: [...tls.rootCertificates, cert.cert] },
  });
  const providers = await seedProviders(up);
  for (const [publicId, upstreamId] of [
    ["held", HELD],
    ["cut", CUT],
  ])
    await createModel({ publicId, providerId: providers.compat, upstreamId, inputPrice: "1", outputPrice: "2" });
});
afterAll(async () => {
  await (globalThis as { tollgateAgent?: Agent }).tollgateAgent?.destroy();
  delete (globalThis as { tollgateAgent?: Agent }).tollgateAgent;
  await up.close();
});

async function readAll(res: Response): Promise<string> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return text;
}

/**
 * `n` streams of `model`, opened one after another, each once the one before has its first token:
 * no stream waits for a connection that is still shaking hands, so the count of connections is exact.
 */
async function openOneByOne(key: string, model: string, n: number, prefix: string): Promise<HeldStream[]> {
  const streams: HeldStream[] = [];
  for (let i = 0; i < n; i++) streams.push(await openUntilFirstToken(key, model, prefix, i));
  return streams;
}

/** How many of `calls` came on each connection, most first. */
const perConnection = (calls: { connection: number }[]) => {
  const counts = new Map<number, number>();
  for (const c of calls) counts.set(c.connection, (counts.get(c.connection) ?? 0) + 1);
  return [...counts.values()].sort((a, b) => b - a);
};

describe("an HTTP/2 upstream", () => {
  it("each provider kind streams over HTTP/2 and is billed as usual", async () => {
    const { key } = await userWithKey({ limits: { balance: BALANCE } });
    for (const model of ["gpt-fake", "compat-fake", "ollama-fake", "bedrock-fake"]) {
      const requestId = `h2-kind-${model}`;
      const text = await readAll(
        await postCompletion(
          key,
          { model, messages: [{ role: "user", content: "hello there" }], stream: true, max_tokens: 5 },
          { requestId },
        ),
      );
      expect(text, model).toContain("data: [DONE]");
      const record = await recordOf(requestId);
      expect(record.status, model).toBe("OK");
      expect(record.completionTokens, model).toBeGreaterThan(0);
      expect(record.cost, model).toBe(BigInt(record.promptTokens * 1 + record.completionTokens * 2));
    }
    // A large prompt goes upstream as the client's own bytes, written in parts (lib/providers/http.ts).
    const large = `${"large prompt ".repeat(40_000)}end`;
    const text = await readAll(
      await postCompletion(
        key,
        { model: "compat-fake", messages: [{ role: "user", content: large }], stream: true, max_tokens: 5 },
        { requestId: "h2-large" },
      ),
    );
    expect(text).toContain("data: [DONE]");
    expect(up.requests.at(-1)?.body?.messages?.[0]?.content).toBe(large);
    expect(connections.length).toBeGreaterThan(0);
    expect(new Set(connections)).toEqual(new Set(["h2"]));
  });

  it(`${STREAMS} streams share two connections; a reset stream ends alone; leavers are billed their chunk`, async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: BALANCE } });
    const streams = await openOneByOne(key, "held", STREAMS, "h2-open");
    const calls = up.requests.filter((r) => r.model === HELD);
    expect(calls).toHaveLength(STREAMS);
    expect(calls.filter((r) => r.finishedAt === undefined)).toHaveLength(STREAMS);
    expect(openStreams()).toBe(STREAMS);
    // 100 streams on one connection, the other 50 on a second one, both HTTP/2.
    expect(perConnection(calls)).toEqual([STREAMS - 50, 50]);
    expect(new Set(connections)).toEqual(new Set(["h2"]));

    // The upstream resets one more stream after its first chunk: that request ends, the others go on.
    const cutId = "h2-cut";
    const cut = await readAll(
      await postCompletion(
        key,
        { model: "cut", messages: [{ role: "user", content: "cut me" }], stream: true, max_tokens: 10 },
        { requestId: cutId },
      ),
    ).catch(() => "");
    expect(cut).not.toContain("data: [DONE]");
    expect(up.requests.find((r) => r.model === CUT)?.cut).toBe(true);
    expect(calls.filter((r) => r.finishedAt === undefined)).toHaveLength(STREAMS);

    await Promise.all(streams.map((s) => s.leave()));
    // Each leaver's upstream stream is cancelled (RST_STREAM), not left to run for its minute.
    await expect.poll(() => calls.filter((r) => r.aborted).length, { timeout: 5_000 }).toBe(STREAMS);
    expect(openStreams()).toBe(0);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);

    const charged = (await expectEachBilledItsChunk(streams, "h2-open")) + (await recordOf(cutId)).cost;
    expect((await walletOf(keyId)).balance).toBe(BALANCE - charged);
  }, 180_000);

  it("a GOAWAY from the server ends the streams open on that connection, each billed for what it produced", async () => {
    // undici (7.x) closes an HTTP/2 connection at once when the server says GOAWAY, even one that
    // lets the streams already open finish (nginx does, after http2_max_requests): they end with an
    // error event. This is why UPSTREAM_HTTP2_STREAMS is 0 unless an operator turns it on.
    const { key, keyId } = await userWithKey({ limits: { balance: BALANCE } });
    const open = await openOneByOne(key, "held", 3, "h2-goaway");
    const held = up.requests.filter((r) => r.model === HELD && r.finishedAt === undefined);
    expect(held).toHaveLength(3);
    const retired = held[0].connection;
    for (const session of sessions) session.goaway(0, 2 ** 31 - 1); // NO_ERROR: "finish what you have"

    for (const stream of open) {
      const rest = await stream.rest();
      expect(rest).toContain('"code":"upstream_error"');
      expect(rest).not.toContain("data: [DONE]");
    }
    const db = await getDb();
    await inFlight(); // flushes the records
    const records = await db.request.findMany({ where: { id: { in: open.map((s) => s.requestId) } } });
    expect(records.map((r) => [r.status, r.completionTokens])).toEqual([
      ["PARTIAL", 1],
      ["PARTIAL", 1],
      ["PARTIAL", 1],
    ]);

    // The next request takes a new connection.
    const requestId = "h2-after-goaway";
    const text = await readAll(
      await postCompletion(
        key,
        { model: "compat-fake", messages: [{ role: "user", content: "after goaway" }], stream: true },
        { requestId },
      ),
    );
    expect(text).toContain("data: [DONE]");
    const after = await recordOf(requestId);
    expect(after.status).toBe("OK");
    expect(up.requests.find((r) => r.body?.messages?.[0]?.content === "after goaway")?.connection).toBeGreaterThan(
      retired,
    );
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
    const charged = records.reduce((sum, r) => sum + r.cost, 0n) + after.cost;
    expect((await walletOf(keyId)).balance).toBe(BALANCE - charged);
  });

  it("a server that allows fewer streams at once gets no more than it allows on a connection", async () => {
    // A server announcing SETTINGS_MAX_CONCURRENT_STREAMS 10 would hold an eleventh stream back until
    // one of the ten ended — here a minute. Each connection takes ten; the rest open new ones.
    const narrow = await startFakeUpstream({ tls: cert, http2Settings: { maxConcurrentStreams: 10 } });
    try {
      const provider = await createProvider({
        name: "narrow-h2",
        kind: "OPENAI_COMPATIBLE",
        baseUrl: `${narrow.url}/v1`,
      });
      await createModel({
        publicId: "narrow",
        providerId: provider.id,
        upstreamId: HELD,
        inputPrice: "1",
        outputPrice: "2",
      });
      const { key } = await userWithKey({ limits: { balance: BALANCE } });
      const streams = await openOneByOne(key, "narrow", 25, "h2-narrow");
      const calls = narrow.requests.filter((r) => r.model === HELD);
      expect(calls.filter((r) => r.finishedAt === undefined)).toHaveLength(25);
      expect(perConnection(calls)).toEqual([10, 10, 5]);
      await Promise.all(streams.map((s) => s.leave()));
      await expect.poll(() => calls.filter((r) => r.aborted).length, { timeout: 5_000 }).toBe(25);
      expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
    } finally {
      await narrow.close();
    }
  }, 120_000);
});
