// What the server's connections do while the process drains (SIGTERM or SIGINT; lib/shutdown.ts lets
// open streams finish and writes every record, then exits).
//
// New connections are refused, and every open one closes after the answer it is carrying. Answering
// a new request 503 instead ("shutting down") reached the client behind a load balancer: nginx (and
// any proxy that will not send a POST twice) passes a POST's 503 on, and a kept-alive connection
// kept bringing new ones to the draining instance. A refused connection carried nothing, so the
// balancer sends its request to another instance, a POST included (docker-compose.yml's nginx:
// scaling down lost 10 of 40,694 requests to 503s before this, `npm run test:compose`).
//
// An idle kept-alive connection is not closed at once: the balancer may be writing a request on it
// at that moment, and a connection reset under a request it has sent is one nginx does not retry
// elsewhere (3 in 17,047 and 1 in 16,503 requests lost to nginx's 502 while scaling down, 2026-12-07).
// It stays open until its client closes it (nginx's keepalive_timeout, 4 s) or the server's own
// keep-alive timeout does; a request that comes on it meanwhile is answered, with `Connection: close`
// (lib/health.ts: the gateway admits it rather than refusing it). lib/shutdown.ts waits for them.

import net from "node:net";

/** What lib/shutdown.ts and lib/health.ts read (a separate module instance in the Next.js bundle). */
const globalForDrain = globalThis;

/**
 * Makes `server` stop taking connections once `drain()` is called (on SIGTERM and SIGINT unless
 * `signals` says otherwise): the listening socket closes, each busy connection closes after its
 * answer, and each idle one after the next answer it carries or when it has been idle for the
 * server's keep-alive timeout (closed then by the server if its client has not). Costs nothing per
 * request: connections are tracked, not requests.
 */
export function closeOnDrain(server, { signals = ["SIGTERM", "SIGINT"] } = {}) {
  const open = new Set();
  server.on("connection", (socket) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  });
  let draining = false;
  /** Connections with no answer in progress (an upgraded one counts until it is closed or the deadline). */
  const idle = () => {
    let n = 0;
    for (const socket of open) if (!socket._httpMessage && !socket.destroyed) n++;
    return n;
  };
  globalForDrain.tollgateConnectionDrain = { idle };
  const drain = () => {
    if (draining) return;
    draining = true;
    // The listening socket only: http.Server#close would also close the idle connections at once.
    net.Server.prototype.close.call(server);
    for (const socket of open) {
      // The answer in progress on this connection is its last: Node ends the socket once it is
      // sent (and says `Connection: close` if its headers are not out yet).
      const res = socket._httpMessage;
      if (!res) continue;
      if (!res.headersSent) res.shouldKeepAlive = false;
      res._last = true;
    }
    // A request that arrives on an open connection (idle or busy) is answered the same way: before
    // the server's own handler, which may answer at once.
    server.prependListener("request", (_req, res) => {
      res.shouldKeepAlive = false;
    });
    // Node's keep-alive timer closes a connection idle that long; whatever is idle after it (an
    // upgraded one, say) is closed here, so the drain's wait is bounded.
    setTimeout(() => {
      for (const socket of open) if (!socket._httpMessage) socket.destroy();
    }, server.keepAliveTimeout + 100).unref();
  };
  for (const signal of signals) process.on(signal, drain);
  return drain;
}
