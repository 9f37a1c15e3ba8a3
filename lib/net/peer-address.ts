import { randomBytes } from "node:crypto";
import http from "node:http";

// Next.js route handlers never see the socket, and Next fills X-Forwarded-For with the peer only
// when the client sent none — so a client could name any address. Every incoming request instead
// gets a header set to its socket's peer address; lib/net/client-ip.ts reads it. Installed once per
// process (instrumentation.ts; scripts/serve.mjs sets it itself on its direct gateway path).
// The header's name is random per process, so no client can send it — not even to a request that
// arrived while the server was starting, before the hook was installed.

const NAME = Symbol.for("tollgate.peerAddressHeader");
const shared = globalThis as { [NAME]?: string };
/** `x-tollgate-peer-<random>`, the same for every module of this process (scripts/serve.mjs too). */
export const PEER_ADDRESS_HEADER: string = (shared[NAME] ??= `x-tollgate-peer-${randomBytes(8).toString("hex")}`);

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
