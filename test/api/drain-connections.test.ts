// scripts/serve.mjs's connections while the process drains (scripts/lib/drain.mjs): a balancer in
// front must see refused connections, never a 503 or a reset on a kept-alive connection it may not
// retry a POST from. New connections are refused; a busy one closes after the answer it carries, and
// that answer arrives whole; an idle one stays open until its client closes it or the keep-alive
// timeout does, and a request that comes on it meanwhile is answered, with Connection: close.

import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { idleConnections, isDraining, markDraining, refusesRequests } from "@/lib/health";
import { drainAndStop } from "@/lib/shutdown";
import { closeOnDrain } from "@/scripts/lib/drain.mjs";

const servers: http.Server[] = [];
const shared = globalThis as { tollgateConnectionDrain?: unknown; tollgateDraining?: boolean };
afterEach(async () => {
  delete shared.tollgateConnectionDrain;
  delete shared.tollgateDraining;
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** A server whose /slow answer is sent in two parts `gapMs` apart; anything else at once. */
async function start(gapMs = 300, keepAliveMs = 5_000) {
  const server = http.createServer((req, res) => {
    if (req.url === "/slow") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("first ");
      setTimeout(() => res.end("second"), gapMs);
    } else if (req.url === "/late") {
      setTimeout(() => res.end("late"), gapMs);
    } else res.end("ok");
  });
  server.keepAliveTimeout = keepAliveMs;
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

  /** How a new connection to `port` fares. */
  const connect = (port: number) =>
    new Promise<string>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => (resolve("connected"), s.destroy()));
      s.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "error"));
    });

  it("refuses new connections; an idle one stays open, and a request on it is answered with Connection: close", async () => {
    const { port, drain } = await start();
    const idle = await connection(port);
    idle.send("/");
    await until(() => idle.text().endsWith("ok"));
    drain();
    expect(await connect(port)).toBe("ECONNREFUSED");
    // Not closed under a request its client may be writing at this moment (a balancer's POST).
    await new Promise((r) => setTimeout(r, 200));
    expect(idle.isClosed()).toBe(false);
    const before = idle.text().length;
    idle.send("/");
    await idle.closed;
    const answer = idle.text().slice(before);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toMatch(/Connection: close/i);
    expect(answer).toMatch(/ok$/);
  });

  it("closes an idle connection that carries nothing more at the keep-alive timeout, and counts it until then", async () => {
    // A keep-alive timeout long enough that the first connection is still open when the second
    // comes, on a machine busy with other suites.
    const { port, drain } = await start(300, 1_000);
    const used = await connection(port);
    used.send("/");
    await until(() => used.text().endsWith("ok"));
    // One that never sent a request has no keep-alive timer of Node's: the drain closes it then too.
    const unused = await connection(port);
    await until(() => idleConnections() === 2);
    const drained = Date.now();
    drain();
    await Promise.all([used.closed, unused.closed]);
    expect(Date.now() - drained).toBeLessThan(3_000);
    expect(idleConnections()).toBe(0);
  });

  it("behind it, the gateway answers what comes while draining, and the shutdown waits for idle connections", async () => {
    const { port, drain } = await start(300, 1_500);
    expect(refusesRequests()).toBe(false);
    markDraining();
    // Without the server's own drain (next start, tests calling routes), draining refuses requests.
    const installed = shared.tollgateConnectionDrain;
    delete shared.tollgateConnectionDrain;
    expect(refusesRequests()).toBe(true);
    shared.tollgateConnectionDrain = installed;
    expect(isDraining() && !refusesRequests()).toBe(true);

    const idle = await connection(port);
    idle.send("/");
    await until(() => idle.text().endsWith("ok"));
    drain();
    let stopped = false;
    const stopping = drainAndStop(5_000).then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(stopped).toBe(false);
    await idle.closed;
    await stopping;
    expect(stopped).toBe(true);
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
