import { BlockList, isIP } from "node:net";

// TRUSTED_PROXIES: the reverse proxies whose X-Forwarded-For is believed. A comma list of IP
// addresses and CIDR ranges, plus two names: `loopback` (127.0.0.0/8, ::1) and `private` (loopback,
// RFC 1918, fc00::/7 — a proxy on the same docker network, as in docker-compose.yml).
// Pure parsing, so lib/config can validate the variable with it.

const NAMED: Record<string, Array<[string, number, "ipv4" | "ipv6"]>> = {
  loopback: [
    ["127.0.0.0", 8, "ipv4"],
    ["::1", 128, "ipv6"],
  ],
  private: [
    ["127.0.0.0", 8, "ipv4"],
    ["::1", 128, "ipv6"],
    ["10.0.0.0", 8, "ipv4"],
    ["172.16.0.0", 12, "ipv4"],
    ["192.168.0.0", 16, "ipv4"],
    ["fc00::", 7, "ipv6"],
  ],
};

function entries(value: string): string[] {
  return value
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
}

function addEntry(list: BlockList, entry: string): boolean {
  if (NAMED[entry]) {
    for (const [address, bits, type] of NAMED[entry]) list.addSubnet(address, bits, type);
    return true;
  }
  const [address, bits, extra] = entry.split("/");
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  const type = family === 4 ? "ipv4" : "ipv6";
  if (bits === undefined) list.addAddress(address, type);
  else if (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128))
    list.addSubnet(address, Number(bits), type);
  else return false;
  return true;
}

/** The entries that are neither an address, a CIDR range nor `loopback` / `private`. */
export function invalidProxyEntries(value: string): string[] {
  return entries(value).filter((entry) => !addEntry(new BlockList(), entry));
}

export function parseTrustedProxies(value: string): BlockList {
  const list = new BlockList();
  for (const entry of entries(value)) addEntry(list, entry);
  return list;
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) → `10.0.0.1`. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

export function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? "ipv4" : "ipv6");
}
