// A stream that pushes its chunks (lib/direct-path.mjs's PushSource, as the gateway's streams do):
// served directly, each chunk is written as it comes and a client that stops reading pauses it
// until its socket drains; read on demand (`pulling`: Next.js's path, translated formats, tests),
// it is asked for a chunk only while a reader waits.

import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChunkSink, pulling, streamAnswer, withDirectFailure } from "@/lib/direct-path.mjs";
import { directPath } from "@/scripts/lib/direct-server.mjs";

const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A source that pushes numbered chunks of `size` bytes while its sink takes them, `total` in all. */
function numberedSource(total: number, size: number) {
  const state = { sent: 0, refused: 0, resumes: 0, listens: 0, cancelled: false };
  let sink: ChunkSink | null = null;
  const chunk = (n: number) => Buffer.alloc(size, String(n % 10));
  const pump = () => {
    while (state.sent < total) {
      const ok = sink!.data(chunk(state.sent++));
      if (!ok) {
        state.refused++;
        return;
      }
    }
    sink!.end();
  };
  const source = {
    listen(to: ChunkSink) {
      state.listens++;
      sink = to;
      // Asynchronously, as an upstream's chunks come.
      setImmediate(pump);
    },
    resume() {
      state.resumes++;
      setImmediate(pump);
    },
    cancel() {
      state.cancelled = true;
    },
  };
  return { source, state, chunk };
}

describe("a pushed stream served directly", () => {
  let server: http.Server;
  let base = "";
  let current: ReturnType<typeof numberedSource>;

  beforeAll(async () => {
    const post = withDirectFailure(
      async () => streamAnswer(current.source, { headers: { "content-type": "text/event-stream" } }),
      () => new Response(null, { status: 500 }),
    );
    const serveDirectly = directPath(new Map([["/v1/chat/completions", post]]));
    server = http.createServer((req, res) => {
      if (!serveDirectly(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Opens the stream with node:http, whose socket the test can stop reading. */
  function open(): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${base}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": "2" },
      });
      req.on("response", resolve).on("error", reject);
      req.end("{}");
    });
  }

  it("a client that stops reading pauses the source until its socket drains, then gets all, in order", async () => {
    const size = 64 * 1024;
    const total = 400; // 25 MB: far more than the sockets' buffers hold
    current = numberedSource(total, size);
    const res = await open();
    res.pause();
    await sleep(300);
    // Paused by the full socket: asked to stop, and not pushing on.
    expect(current.state.refused).toBeGreaterThan(0);
    const sentWhilePaused = current.state.sent;
    expect(sentWhilePaused).toBeLessThan(total);
    await sleep(200);
    expect(current.state.sent).toBe(sentWhilePaused);
    expect(current.state.resumes).toBe(current.state.refused - 1);

    let received = 0;
    let inOrder = true;
    res.on("data", (b: Buffer) => {
      for (let i = 0; i < b.length; i += 4096) {
        const at = received + i;
        if (b[i] !== String(Math.floor(at / size) % 10).charCodeAt(0)) inOrder = false;
      }
      received += b.length;
    });
    res.resume();
    await new Promise((resolve) => res.on("end", resolve));
    expect(received).toBe(total * size);
    expect(inOrder).toBe(true);
    expect(current.state.resumes).toBeGreaterThan(0);
    expect(current.state.cancelled).toBe(false);
  });

  it("a client that leaves cancels the source", async () => {
    current = numberedSource(400, 64 * 1024);
    const res = await open();
    res.pause();
    await sleep(100);
    expect(current.state.cancelled).toBe(false);
    res.destroy();
    await sleep(100);
    expect(current.state.cancelled).toBe(true);
  });
});

describe("a pushed stream read on demand", () => {
  it("is listened to at the first next(), asked for more only at the next one, and ends with null", async () => {
    const { source, state } = numberedSource(3, 4);
    const chunks = pulling(source);
    await tick();
    expect(state.listens).toBe(0);
    expect(Buffer.from((await chunks.next())!).toString()).toBe("0000");
    await tick();
    // One chunk given, and the source told to wait: nothing read ahead of the reader.
    expect(state.sent).toBe(1);
    expect(state.refused).toBe(1);
    expect(Buffer.from((await chunks.next())!).toString()).toBe("1111");
    expect(Buffer.from((await chunks.next())!).toString()).toBe("2222");
    expect(await chunks.next()).toBeNull();
    expect(await chunks.next()).toBeNull();
    // The fourth next() asked once more, and heard the end.
    expect(state).toMatchObject({ listens: 1, resumes: 3, sent: 3 });
  });

  it("keeps what comes while nobody waits, in order, and a reader that leaves cancels", async () => {
    let sink: ChunkSink | null = null;
    let cancelled = false;
    const chunks = pulling({
      listen: (s) => {
        sink = s;
      },
      resume: () => {},
      cancel: () => {
        cancelled = true;
      },
    });
    const first = chunks.next();
    sink!.data(new Uint8Array([1]));
    sink!.data(new Uint8Array([2]));
    sink!.end();
    expect([...(await first)!]).toEqual([1]);
    expect([...(await chunks.next())!]).toEqual([2]);
    expect(await chunks.next()).toBeNull();
    chunks.cancel();
    expect(cancelled).toBe(true);
  });

  it("a reader waiting when the stream ends hears null", async () => {
    let sink: ChunkSink | null = null;
    const chunks = pulling({ listen: (s) => void (sink = s), resume: () => {}, cancel: () => {} });
    const waiting = chunks.next();
    sink!.end();
    expect(await waiting).toBeNull();
  });
});
