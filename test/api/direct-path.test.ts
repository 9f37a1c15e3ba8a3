// The direct path's contract without a production build: scripts/serve.mjs's request handling
// (scripts/lib/direct-server.mjs) serves real HTTP requests against the route modules themselves,
// and answers exactly as the same route does on the ordinary path (what Next.js calls: a Request
// with a body stream, the answer's body read as a web stream) — successes, streams and errors,
// including a failure the server meets itself, which takes the route's own error table and shape.

import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as chatRoute from "@/app/api/v1/chat/completions/route";
import * as messagesRoute from "@/app/api/v1/messages/route";
import * as responsesRoute from "@/app/api/v1/responses/route";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { DIRECT_ROUTES, directFailure, withDirectFailure } from "@/lib/direct-path.mjs";
import { PEER_ADDRESS_HEADER } from "@/lib/net/peer-address";
import { createModel } from "@/lib/providers/admin";
import { directPath } from "@/scripts/lib/direct-server.mjs";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { seedProviders, userWithKey } from "../helpers/gateway";

type Post = (req: Request, ctx: { params: Promise<Record<string, never>> }) => Promise<Response>;

const up = await startFakeUpstream();
const routes: Record<string, Post> = {
  "/v1/chat/completions": chatRoute.POST,
  "/v1/messages": messagesRoute.POST,
  "/v1/responses": responsesRoute.POST,
};
/** What fell through to "Next.js" (the ordinary path), by method and path. */
const fellThrough: string[] = [];
let server: http.Server;
let base = "";
let key = "";

/** serve.mjs's server, with `posts` served directly and anything else answered 404 (where Next.js would take it). */
function serve(posts: Map<string, Post>): Promise<{ server: http.Server; base: string }> {
  const serveDirectly = directPath(posts);
  const s = http.createServer((req, res) => {
    if (serveDirectly(req, res)) return;
    fellThrough.push(`${req.method} ${req.url}`);
    res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    s.listen(0, "127.0.0.1", () =>
      resolve({ server: s, base: `http://127.0.0.1:${(s.address() as AddressInfo).port}` }),
    ),
  );
}

beforeAll(async () => {
  await startApp();
  const ids = await seedProviders(up);
  // A stream that takes its time, and an answer that comes late: room for the client to leave.
  await createModel({ publicId: "held-fake", providerId: ids.openai, upstreamId: "fake-model:idle=300:chunks=40" });
  await createModel({ publicId: "late-fake", providerId: ids.openai, upstreamId: "fake-model:delay=3000" });
  ({ key } = await userWithKey());
  ({ server, base } = await serve(new Map(Object.entries(routes))));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await up.close();
});

type Call = { path: string; headers?: Record<string, string>; body: string };

/** The call over HTTP through the direct path. */
async function direct(call: Call) {
  const res = await fetch(`${base}${call.path}`, { method: "POST", headers: call.headers, body: call.body });
  return { status: res.status, type: res.headers.get("content-type"), id: res.headers.get("x-request-id"), res };
}

/** The same call on the ordinary path: the route's POST with a Request whose body is a stream, as Next.js calls it. */
async function ordinary(call: Call) {
  const req = new Request(`http://tollgate.test${call.path}`, {
    method: "POST",
    headers: call.headers,
    body: call.body,
  });
  const res = await routes[call.path](req, { params: Promise.resolve({}) });
  return { status: res.status, type: res.headers.get("content-type"), id: res.headers.get("x-request-id"), res };
}

const json = (h: Record<string, string> = {}) => ({ "content-type": "application/json", ...h });

describe("errors on the direct path", () => {
  const bad = (): Array<[string, Call]> => [
    ["no key", { path: "/v1/chat/completions", headers: json(), body: "{}" }],
    ["bad JSON", { path: "/v1/chat/completions", headers: json({ authorization: `Bearer ${key}` }), body: "{nope" }],
    ["not JSON", { path: "/v1/chat/completions", headers: { authorization: `Bearer ${key}` }, body: "hi" }],
    [
      "a missing field",
      { path: "/v1/chat/completions", headers: json({ authorization: `Bearer ${key}` }), body: '{"model":"gpt-fake"}' },
    ],
    [
      "an unknown model",
      {
        path: "/v1/chat/completions",
        headers: json({ authorization: `Bearer ${key}` }),
        body: JSON.stringify({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] }),
      },
    ],
    [
      "an unknown model, Anthropic's way",
      {
        path: "/v1/messages",
        headers: json({ "x-api-key": key }),
        body: JSON.stringify({ model: "no-such-model", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
      },
    ],
    [
      "bad JSON, Responses' way",
      { path: "/v1/responses", headers: json({ authorization: `Bearer ${key}` }), body: "[" },
    ],
  ];

  it("are the route's own: same status, content type and body as on the ordinary path", async () => {
    for (const [what, call] of bad()) {
      call.headers = { ...call.headers, "x-request-id": `same-${what.replaceAll(" ", "-")}` };
      const [d, o] = [await direct(call), await ordinary(call)];
      expect(d.status, what).toBeGreaterThanOrEqual(400);
      expect(d.status, what).toBeLessThan(500);
      expect({ status: d.status, type: d.type, id: d.id }, what).toEqual({ status: o.status, type: o.type, id: o.id });
      expect(await d.res.json(), what).toEqual(await o.res.json());
    }
    expect(fellThrough).toEqual([]);
  });

  it("a failure the server meets itself is answered from the route's error table, in its shape", async () => {
    // Handlers that fail past their route's own error handling: what serve.mjs answers then.
    const failing = (post: Post) =>
      withDirectFailure(async () => {
        throw new Error("the socket layer broke");
      }, directFailure(post)!);
    const s = await serve(
      new Map([
        ["/v1/chat/completions", failing(chatRoute.POST)],
        ["/v1/messages", failing(messagesRoute.POST)],
      ]),
    );
    try {
      const headers = json({ "x-request-id": "req-fail-1" });
      const openai = await fetch(`${s.base}/v1/chat/completions`, { method: "POST", headers, body: "{}" });
      expect(openai.status).toBe(500);
      expect(openai.headers.get("x-request-id")).toBe("req-fail-1");
      // lib/errors.ts: internal_error is OpenAI's api_error (serve.mjs used to write a type of its own).
      expect(await openai.json()).toEqual({
        error: {
          message: "Internal error (request id req-fail-1)",
          type: "api_error",
          param: null,
          code: "internal_error",
        },
      });
      const anthropic = await fetch(`${s.base}/v1/messages`, { method: "POST", headers, body: "{}" });
      expect(anthropic.status).toBe(500);
      expect(await anthropic.json()).toEqual({
        type: "error",
        error: { type: "api_error", message: "Internal error (request id req-fail-1)" },
      });
    } finally {
      s.server.closeAllConnections();
      await new Promise((resolve) => s.server.close(resolve));
    }
  });

  it("hands the route the socket's peer address, whatever header of that name the client sent", async () => {
    const echo = withDirectFailure(
      async (req: Request) => Response.json({ peer: req.headers.get(PEER_ADDRESS_HEADER) }),
      directFailure(chatRoute.POST)!,
    );
    const s = await serve(new Map([["/v1/echo", echo]]));
    try {
      for (const forged of [
        {},
        { [PEER_ADDRESS_HEADER]: "203.0.113.9" },
        { [PEER_ADDRESS_HEADER.toUpperCase()]: "x" },
      ]) {
        const res = await fetch(`${s.base}/v1/echo`, { method: "POST", headers: json(forged), body: "{}" });
        expect(await res.json()).toEqual({ peer: "127.0.0.1" });
      }
    } finally {
      s.server.closeAllConnections();
      await new Promise((resolve) => s.server.close(resolve));
    }
  });

  it("refuses a handler that cannot answer a failure in its route's shape", () => {
    expect(() => directPath(new Map([["/v1/x", async () => new Response(null)]]))).toThrow(/failure answer/);
  });
});

describe("answers on the direct path", () => {
  const chat = (extra: object) => ({
    path: "/v1/chat/completions",
    headers: json({ authorization: `Bearer ${key}` }),
    body: JSON.stringify({ model: "gpt-fake", messages: [{ role: "user", content: "hello" }], ...extra }),
  });

  /** Each chat event's delta content (null where it has none), in order. */
  const contents = (text: string) =>
    text
      .split("\n\n")
      .filter((e) => e.startsWith("data: {"))
      .map((e) => JSON.parse(e.slice(6)).choices[0]?.delta?.content ?? null);

  it("a whole answer is the route's JSON, written once with its length", async () => {
    const [d, o] = [await direct(chat({})), await ordinary(chat({}))];
    expect(d.status).toBe(200);
    expect(d.type).toBe(o.type);
    const text = await d.res.text();
    expect(d.res.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    const [dj, oj] = [JSON.parse(text), await o.res.json()];
    expect(dj.choices).toEqual(oj.choices);
    expect(dj.usage).toEqual(oj.usage);
    expect(d.res.headers.get("x-tollgate-cost")).toBe(o.res.headers.get("x-tollgate-cost"));
    // serve.mjs adds the security headers Next.js adds from next.config.mjs
    expect(d.res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("a body in many chunks reaches the route whole, and goes upstream whole", async () => {
    // ~900 KB: many socket reads, each copied into the body as it comes; ASCII and non-ASCII.
    for (const content of ["0123456789 abcdefghij\n".repeat(40_000), `${"é 😀 ".repeat(100_000)}end`]) {
      const d = await direct({
        path: "/v1/chat/completions",
        headers: json({ authorization: `Bearer ${key}` }),
        body: JSON.stringify({ model: "gpt-fake", messages: [{ role: "user", content }] }),
      });
      expect(d.status).toBe(200);
      expect((up.requests.at(-1)!.body as { messages: unknown }).messages).toEqual([{ role: "user", content }]);
    }
  });

  it("a stream is the route's event stream, chunk for chunk", async () => {
    const [d, o] = [await direct(chat({ stream: true })), await ordinary(chat({ stream: true }))];
    expect(d.status).toBe(200);
    expect(d.type).toBe(o.type);
    const [dt, ot] = [await d.res.text(), await o.res.text()];
    expect(contents(dt)).toEqual(contents(ot));
    expect(contents(dt).join("")).toBe("tok0 tok1 tok2 tok3 tok4 ");
    expect(dt.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("a stream's text is written as UTF-8, the same bytes as on the ordinary path", async () => {
    // Multi-byte characters, split over many events: each event's bytes are whole on both paths.
    const words = "é 😀 naïve 日本語 ";
    const call = chat({ stream: true, messages: [{ role: "user", content: `echo: ${words.repeat(3)}` }] });
    const [d, o] = [await direct(call), await ordinary(call)];
    const [db, ob] = [Buffer.from(await d.res.arrayBuffer()), Buffer.from(await o.res.arrayBuffer())];
    expect(contents(db.toString("utf8")).join("")).toBe(words.repeat(3));
    expect(contents(ob.toString("utf8")).join("")).toBe(words.repeat(3));
    // Event by event, apart from the ids and times each call has of its own.
    const shape = (bytes: Buffer) => bytes.toString("utf8").replace(/"(id|created)":("[^"]*"|\d+)/g, "");
    expect(shape(db)).toBe(shape(ob));
    expect(db.includes(Buffer.from("日本語", "utf8"))).toBe(true);
  });

  it("Anthropic's messages, whole and streamed, as on the ordinary path", async () => {
    const call = (stream: boolean) => ({
      path: "/v1/messages",
      headers: json({ "x-api-key": key }),
      body: JSON.stringify({
        model: "compat-fake",
        max_tokens: 20,
        stream,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    const whole = await direct(call(false));
    expect((await whole.res.json()).content).toEqual((await (await ordinary(call(false))).res.json()).content);
    const events = async (r: Response) => [...(await r.text()).matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    const streamed = await events((await direct(call(true))).res);
    expect(streamed).toEqual(await events((await ordinary(call(true))).res));
    expect(streamed.at(-1)).toBe("message_stop");
  });

  it("a client that leaves aborts the route's signal: the upstream call is cancelled and the record says so", async () => {
    const call = (model: string, stream: boolean, requestId: string, signal: AbortSignal) =>
      fetch(`${base}/v1/chat/completions`, {
        method: "POST",
        headers: json({ authorization: `Bearer ${key}`, "x-request-id": requestId }),
        body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "hello" }] }),
        signal,
      });
    const before = up.requests.length;
    // A whole answer: the client leaves while the upstream is still thinking.
    const whole = new AbortController();
    const waiting = call("late-fake", false, "left-whole", whole.signal).catch((err: Error) => err.name);
    await expect.poll(() => up.requests.length).toBe(before + 1);
    whole.abort();
    expect(await waiting).toBe("AbortError");
    // A stream: the client leaves after its first chunk.
    const stream = new AbortController();
    const res = await call("held-fake", true, "left-stream", stream.signal);
    await res.body!.getReader().read();
    stream.abort();
    await expect.poll(() => up.requests.slice(before).map((r) => r.aborted), { timeout: 5_000 }).toEqual([true, true]);
    await flushRecords();
    const db = await getDb();
    const rows = await db.request.findMany({
      where: { id: { in: ["left-whole", "left-stream"] } },
      select: { id: true, status: true, completionTokens: true },
      orderBy: { id: "asc" },
    });
    // The stream is billed for the chunk it received; the whole answer never came, so nothing is.
    expect(rows).toEqual([
      { id: "left-stream", status: "ABORTED", completionTokens: 1 },
      { id: "left-whole", status: "ABORTED", completionTokens: 0 },
    ]);
  });

  it("leaves to Next.js what it does not serve: other methods, paths and chunked bodies", async () => {
    fellThrough.length = 0;
    await fetch(`${base}/v1/chat/completions`);
    await fetch(`${base}/v1/models`, { method: "POST", headers: json(), body: "{}" });
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode("{}"));
        c.close();
      },
    });
    await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: json(),
      body: chunked,
      duplex: "half",
    } as RequestInit);
    expect(fellThrough).toEqual(["GET /v1/chat/completions", "POST /v1/models", "POST /v1/chat/completions"]);
  });

  it("serves every route it names", () => {
    expect(DIRECT_ROUTES.map((r) => `/v1/${r}`).sort()).toEqual(Object.keys(routes).sort());
  });
});
