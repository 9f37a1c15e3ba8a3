// What the server's connections do while the process drains (SIGTERM or SIGINT; lib/shutdown.ts lets
// open streams finish and writes every record, then exits).
//
// New connections are refused, and every open one closes after the answer it is carrying. Answering
// a new request 503 instead ("shutting down") reached the client behind a load balancer: nginx (and
// any proxy that will not send a POST twice) passes a POST's 503 on, and a kept-alive connection
// kept bringing new ones to the draining instance. A refused connection carried nothing, so the
// balancer sends its request to another instance, a POST included (docker-compose.yml's nginx:
// scaling down lost 10 of 40,694 requests to 503s before this, `npm run test:compose`).

/**
 * Makes `server` stop taking connections once `drain()` is called (on SIGTERM and SIGINT unless
 * `signals` says otherwise): idle kept-alive connections close at once, each busy one after its
 * answer, and the listening socket closes. Costs nothing per request: connections are tracked, not
 * requests.
 */
export function closeOnDrain(server, { signals = ["SIGTERM", "SIGINT"] } = {}) {
  const open = new Set();
  server.on("connection", (socket) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  });
  let draining = false;
  const drain = () => {
    if (draining) return;
    draining = true;
    // Node also closes the connections that are idle now.
    server.close();
    for (const socket of open) {
      // The answer in progress on this connection is its last: Node ends the socket once it is
      // sent (and says `Connection: close` if its headers are not out yet).
      const res = socket._httpMessage;
      if (!res) continue;
      if (!res.headersSent) res.shouldKeepAlive = false;
      res._last = true;
    }
    // A request that arrives on a busy connection before its answer ends is answered the same way.
    server.on("request", (_req, res) => {
      res.shouldKeepAlive = false;
    });
  };
  for (const signal of signals) process.on(signal, drain);
  return drain;
}
