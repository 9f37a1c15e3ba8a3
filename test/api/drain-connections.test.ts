// scripts/serve.mjs's connections while the process drains (scripts/lib/drain.mjs): a balancer in
// front must see refused connections, never a 503 on a kept-alive connection it may not retry a
// POST from. New connections are refused, idle ones close at once, a busy one closes after the
// answer it carries, and that answer arrives whole.

import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { closeOnDrain } from "@/scripts/lib/drain.mjs";

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** A server whose /slow answer is sent in two parts `gapMs` apart; anything else at once. */
async function start(gapMs = 300) {
  const server = http.createServer((req, res) => {
    if (req.url === "/slow") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("first ");
      setTimeout(() => res.end("second"), gapMs);
    } else if (req.url === "/late") {
      setTimeout(() => res.end("late"), gapMs);
    } else res.end("ok");
  });
  const drain = closeOnDrain(server, { signals: [] });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, drain, port: (server.address() as AddressInfo).port };
}

/** A raw kept-alive connection: send requests, read answers as text, see when it closes. */
async function connection(port: number) {
  const socket: Socket = net.connect(port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  let text = "";
  socket.setEncoding("utf8").on("data", (d: string) => {
    text += d;
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return {
    send: (p: string) => socket.write(`GET ${p} HTTP/1.1\r\nHost: t\r\nConnection: keep-alive\r\n\r\n`),
    text: () => text,
    closed,
    isClosed: () => socket.destroyed || socket.readyState === "closed",
  };
}

const until = async (cond: () => boolean, ms = 2000) => {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() > end) throw new Error("timed out");
};

describe("closeOnDrain", () => {
  it("before the drain, connections stay open between requests", async () => {
    const { port } = await start();
    const c = await connection(port);
    c.send("/");
    await until(() => c.text().endsWith("ok"));
    expect(c.text()).toMatch(/Connection: keep-alive/i);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.isClosed()).toBe(false);
    c.send("/");
    await until(() => (c.text().match(/ok/g) ?? []).length === 2);
  });

  it("refuses new connections and closes idle ones at once", async () => {
    const { port, drain } = await start();
    const idle = await connection(port);
    idle.send("/");
    await until(() => idle.text().endsWith("ok"));
    drain();
    await idle.closed;
    const refused = await new Promise<string>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => resolve("connected"));
      s.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "error"));
    });
    expect(refused).toBe("ECONNREFUSED");
  });

  it("lets a busy connection finish its answer, whole, then closes it", async () => {
    const { port, drain, server } = await start();
    const busy = await connection(port);
    busy.send("/slow");
    await until(() => busy.text().includes("first "));
    const serverClosed = new Promise<void>((resolve) => server.once("close", () => resolve()));
    drain();
    await new Promise((r) => setTimeout(r, 50));
    expect(busy.isClosed()).toBe(false);
    await until(() => busy.text().includes("second"));
    // Closed as the answer ends, not by the keep-alive timeout (5 s).
    await until(() => busy.isClosed(), 1000);
    expect(busy.text()).toMatch(/first .*second/s);
    // The listening socket is gone once the last connection closed.
    await serverClosed;
  });

  it("says Connection: close on an answer whose headers were not yet sent", async () => {
    const { port, drain } = await start();
    const waiting = await connection(port);
    waiting.send("/late");
    await new Promise((r) => setTimeout(r, 50));
    drain();
    await waiting.closed;
    expect(waiting.text()).toMatch(/^HTTP\/1\.1 200/);
    expect(waiting.text()).toMatch(/Connection: close/i);
    expect(waiting.text()).toMatch(/late$/);
  });
});
