import "server-only";
import type { BlockList } from "node:net";
import { isIP } from "node:net";
import { config } from "@/lib/config";
import { PEER_ADDRESS_HEADER } from "./peer-address";
import { isTrusted, parseTrustedProxies, plainAddress } from "./trusted-proxies";

// The client's address, for throttling: the socket's peer, unless that peer is a proxy listed in
// TRUSTED_PROXIES — then X-Forwarded-For is read from the right, skipping trusted proxies, and the
// first address no trusted proxy vouches for is the client. Anything a client writes into the
// header before that point is ignored, so a changed header cannot dodge a limit.

let cached: { value: string; list: BlockList } | undefined;

function trustedProxies(): BlockList {
  const value = config().TRUSTED_PROXIES ?? "";
  if (cached?.value !== value) cached = { value, list: parseTrustedProxies(value) };
  return cached.list;
}

/** The calling client's IP address, or "unknown" when the request did not come through our server. */
export function clientIp(req: Request): string {
  const peer = plainAddress(req.headers.get(PEER_ADDRESS_HEADER)?.trim() || "unknown");
  const proxies = trustedProxies();
  if (!isTrusted(proxies, peer)) return peer;
  const hops = (req.headers.get("x-forwarded-for") ?? "").split(",").map((hop) => plainAddress(hop.trim()));
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    // A hop that is not an address was written by the client, not by a proxy: stop at the last good one.
    if (!isIP(hops[i])) break;
    client = hops[i];
    if (!isTrusted(proxies, client)) break;
  }
  return client;
}
