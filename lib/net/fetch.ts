import "server-only";
import { Agent, type Dispatcher, Headers, type RequestInit, type Response, fetch as undiciFetch } from "undici";
import { checkedLookup, checkOutboundUrlForm, OutboundRefused } from "./policy";

// fetch for requests Tollgate makes on its own initiative: the URL is checked before connecting,
// the agent connects only to checked addresses, and each redirect hop is checked again.

const MAX_REDIRECTS = 3;
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "x-api-key", "cookie"];

/** An undici Agent whose connections go only to addresses the outbound policy allows. */
export function outboundAgent(options: Agent.Options = {}): Agent {
  return new Agent({ ...options, connect: { ...options.connect, lookup: checkedLookup } });
}

export async function outboundFetch(
  input: string | URL,
  init: RequestInit & { dispatcher: Dispatcher },
): Promise<Response> {
  return fetchHops(
    checkOutboundUrlForm(input),
    { ...init, headers: new Headers(init.headers), redirect: "manual" as const },
    0,
    init.redirect,
  );
}

/**
 * Goes on from a redirect that another client (undici's request API, on the gateway's hot path)
 * received: the hop is checked and sent as outboundFetch would have sent it.
 */
export function followRedirect(
  from: URL,
  status: number,
  location: string,
  init: RequestInit & { dispatcher: Dispatcher },
): Promise<Response> {
  const hop = { ...init, headers: new Headers(init.headers), redirect: "manual" as const };
  const next = nextHop(from, status, location, hop, 0, init.redirect);
  return fetchHops(next.url, next.hop, 1, init.redirect);
}

type Hop = RequestInit & { headers: Headers; redirect: "manual"; dispatcher: Dispatcher };

async function fetchHops(url: URL, hop: Hop, redirects: number, wanted: RequestInit["redirect"]): Promise<Response> {
  for (; ; redirects++) {
    const res = await undiciFetch(url, hop);
    const location = res.headers.get("location");
    if (![301, 302, 303, 307, 308].includes(res.status) || !location) return res;
    await res.body?.cancel().catch(() => {});
    ({ url, hop } = nextHop(url, res.status, location, hop, redirects, wanted));
  }
}

function nextHop(
  url: URL,
  status: number,
  location: string,
  hop: Hop,
  redirects: number,
  wanted: RequestInit["redirect"],
): { url: URL; hop: Hop } {
  if (wanted === "error") throw new OutboundRefused(`${url.origin} answered with a redirect`);
  if (redirects >= MAX_REDIRECTS) throw new OutboundRefused(`more than ${MAX_REDIRECTS} redirects`);
  const next = checkOutboundUrlForm(new URL(location, url));
  return { url: next, hop: redirectedInit(hop, status, url, next) };
}

// As browsers do: 303 (and 301/302 after a POST) become a GET without a body; credentials are
// not sent to another origin.
function redirectedInit<T extends RequestInit & { headers: Headers }>(init: T, status: number, from: URL, to: URL): T {
  const headers = new Headers(init.headers);
  if (from.origin !== to.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  const method = (init.method ?? "GET").toUpperCase();
  if (status === 303 ? method !== "HEAD" : (status === 301 || status === 302) && method === "POST") {
    headers.delete("content-type");
    headers.delete("content-length");
    return { ...init, method: "GET", body: undefined, headers };
  }
  return { ...init, headers };
}
