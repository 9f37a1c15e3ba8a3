import { BlockList, isIP } from "node:net";

// OUTBOUND_ALLOW: a comma list of host names (`ollama`, `*.corp.example`), IP addresses and CIDR
// ranges that outbound requests may reach even though they are loopback, private or link-local.
// Pure parsing, so lib/config can validate the variable with it.

export type AllowList = { hosts: Set<string>; suffixes: string[]; nets: BlockList };

const HOST_NAME = /^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/** The entries that are neither a host name, an address nor a CIDR range. */
export function invalidAllowEntries(value: string): string[] {
  return splitEntries(value).filter((entry) => !addEntry(emptyAllowList(), entry));
}

export function parseAllowList(entries: string[]): AllowList {
  const list = emptyAllowList();
  for (const entry of entries.flatMap(splitEntries)) addEntry(list, entry);
  return list;
}

function splitEntries(value: string): string[] {
  return value
    .split(",")
    .map((e) =>
      e
        .trim()
        .toLowerCase()
        .replace(/^\[(.*)\]$/, "$1"),
    )
    .filter(Boolean);
}

function emptyAllowList(): AllowList {
  return { hosts: new Set(), suffixes: [], nets: new BlockList() };
}

function addEntry(list: AllowList, entry: string): boolean {
  const [address, bits, extra] = entry.split("/");
  const family = isIP(address);
  if (family && extra === undefined) {
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.nets.addAddress(address, type);
    else if (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128))
      list.nets.addSubnet(address, Number(bits), type);
    else return false;
  } else if (bits === undefined && HOST_NAME.test(entry)) {
    if (entry.startsWith("*.")) list.suffixes.push(entry.slice(1));
    else list.hosts.add(entry);
  } else {
    return false;
  }
  return true;
}

export function allowsHost(list: AllowList, hostname: string): boolean {
  const host = hostname.toLowerCase();
  return list.hosts.has(host) || list.suffixes.some((suffix) => host.endsWith(suffix));
}

export function allowsAddress(list: AllowList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.nets.check(address, family === 4 ? "ipv4" : "ipv6");
}
