import http from "node:http";

// Next.js route handlers never see the socket, and Next fills X-Forwarded-For with the peer only
// when the client sent none — so a client could name any address. Every incoming request instead
// gets this header set to its socket's peer address, overwriting whatever the client sent in it.
// lib/net/client-ip.ts reads it. Installed once per process (instrumentation.ts; scripts/serve.mjs
// sets it itself on its direct gateway path).

export const PEER_ADDRESS_HEADER = "x-tollgate-peer";

const INSTALLED = Symbol.for("tollgate.peerAddress");

export function stampPeerAddresses(): void {
  const proto = http.Server.prototype as http.Server & { [INSTALLED]?: true };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const emit = proto.emit as (this: http.Server, event: string, ...args: unknown[]) => boolean;
  proto.emit = function (this: http.Server, event: string, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      req.headers[PEER_ADDRESS_HEADER] = req.socket?.remoteAddress ?? "unknown";
    }
    return emit.apply(this, [event, ...args]);
  } as typeof proto.emit;
}
