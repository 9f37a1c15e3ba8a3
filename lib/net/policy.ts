import "server-only";
import { type LookupAddress, type LookupOptions, lookup } from "node:dns";
import { BlockList, isIP } from "node:net";
import { type Config, config } from "@/lib/config";
import { type AllowList, allowsAddress, allowsHost, parseAllowList } from "./allow-list";

// Which addresses Tollgate may connect to on its own initiative (provider base URLs, and so anything
// an admin or a user can point it at). Cloud metadata, loopback, private and link-local networks are
// refused unless OUTBOUND_ALLOW names the host or the address. Every check runs on the parsed URL
// (WHATWG parsing already turns 2130706433, 0177.0.0.1 and 0x7f.1 into 127.0.0.1) and again on
// every address a name resolves to when connecting, so a name that changes its answer is caught.

export class OutboundRefused extends Error {
  readonly code = "ERR_OUTBOUND_REFUSED";
  constructor(message: string) {
    super(message);
    this.name = "OutboundRefused";
  }
}

const RANGES: Array<[string, number, string]> = [
  ["0.0.0.0", 8, "unspecified"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "shared address space (CGNAT)"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local (cloud metadata)"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"],
  ["192.0.2.0", 24, "reserved for documentation"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved for benchmarking"],
  ["198.51.100.0", 24, "reserved for documentation"],
  ["203.0.113.0", 24, "reserved for documentation"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["::", 96, "IPv4-compatible"],
  ["64:ff9b::", 96, "NAT64"],
  ["100::", 64, "discard-only"],
  ["2001:db8::", 32, "reserved for documentation"],
  ["2002::", 16, "6to4"],
  ["fc00::", 7, "unique local (private)"],
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "site-local"],
  ["ff00::", 8, "multicast"],
];

// One list per range so the refusal can say which kind of address it was. IPv4-mapped IPv6
// addresses (::ffff:7f00:1) match the IPv4 ranges: BlockList compares them as IPv4.
const internalRanges = RANGES.map(([network, bits, label]) => {
  const list = new BlockList();
  list.addSubnet(network, bits, network.includes(":") ? "ipv6" : "ipv4");
  return { list, label };
});

const allowLists = new WeakMap<Config, AllowList>();

// Providers configured in the environment are the operator's own choice, like OUTBOUND_ALLOW.
function allowList(): AllowList {
  const cfg = config();
  let list = allowLists.get(cfg);
  if (!list) {
    const envUrls = [
      cfg.OPENAI_BASE_URL,
      cfg.OPENAI_COMPATIBLE_BASE_URL,
      cfg.OLLAMA_BASE_URL,
      cfg.BEDROCK_ENDPOINT_URL,
    ];
    list = parseAllowList([cfg.OUTBOUND_ALLOW ?? "", ...envUrls.map((u) => (u ? hostOf(u) : ""))]);
    allowLists.set(cfg, list);
  }
  return list;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}

/** Why Tollgate may not connect to this address, or null when it may. */
export function addressProblem(address: string): string | null {
  const family = isIP(address);
  if (!family) return `${address} is not an IP address`;
  if (allowsAddress(allowList(), address)) return null;
  const type = family === 4 ? "ipv4" : "ipv6";
  const hit = internalRanges.find((r) => r.list.check(address, type));
  return hit ? `${address} is a ${hit.label} address` : null;
}

/** The URL, parsed, when its form is acceptable: http(s), no credentials, no internal IP literal. */
export function checkOutboundUrlForm(raw: string | URL): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefused(`'${String(raw).slice(0, 100)}' is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new OutboundRefused(`${url.protocol} URLs are not allowed; use http or https`);
  if (url.username || url.password) throw new OutboundRefused("URLs with credentials (user@host) are not allowed");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIP(host) && !allowsHost(allowList(), host)) {
    const problem = addressProblem(host);
    if (problem) throw new OutboundRefused(`${problem}; add it to OUTBOUND_ALLOW to allow it`);
  }
  return url;
}

function resolveAll(hostname: string, options: LookupOptions = {}): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    lookup(hostname, { ...options, all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );
}

function refusedAddress(hostname: string, addresses: LookupAddress[]): OutboundRefused | null {
  if (allowsHost(allowList(), hostname)) return null;
  const problem = addresses.map((a) => addressProblem(a.address)).find(Boolean);
  return problem
    ? new OutboundRefused(`${hostname} resolves to ${problem}; add it to OUTBOUND_ALLOW to allow it`)
    : null;
}

/**
 * Checks a URL an admin is saving: its form and every address its host resolves to now. A name
 * that does not resolve yet is accepted — it is checked again on every connection.
 */
export async function checkOutboundUrl(raw: string): Promise<URL> {
  const url = checkOutboundUrlForm(raw);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIP(host)) return url;
  const addresses = await resolveAll(host).catch(() => []);
  const refused = refusedAddress(host, addresses);
  if (refused) throw refused;
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * `lookup` for net/tls.connect: resolves the name and connects only to the addresses it checked,
 * so DNS cannot answer one address to the check and another to the connection.
 */
export function checkedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  resolveAll(hostname, options).then(
    (addresses) => {
      const refused = refusedAddress(hostname, addresses);
      if (refused) callback(refused, "");
      else if (options.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    },
    (err: NodeJS.ErrnoException) => callback(err, ""),
  );
}
