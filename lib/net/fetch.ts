import "server-only";
import type { Http2Session } from "node:http2";
import {
  Agent,
  Client,
  type Dispatcher,
  Headers,
  Pool,
  type RequestInit,
  type Response,
  fetch as undiciFetch,
} from "undici";
import { checkedLookup, checkOutboundUrlForm, OutboundRefused } from "./policy";

// fetch for requests Tollgate makes on its own initiative: the URL is checked before connecting,
// the agent connects only to checked addresses, and each redirect hop is checked again.

const MAX_REDIRECTS = 3;
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "x-api-key", "cookie"];

/**
 * An undici Agent whose connections go only to addresses the outbound policy allows. With
 * `http2Streams`, a TLS connection offers HTTP/2, and one on which the server chose it carries up to
 * that many requests at once, or as many as the server allows if fewer (see MultiplexingClient). A
 * server that chose HTTP/1.1 gets one request per connection, as without it.
 */
export function outboundAgent(options: Agent.Options & { http2Streams?: number } = {}): Agent {
  const { http2Streams, ...rest } = options;
  const agentOptions: Agent.Options = { ...rest, connect: { ...rest.connect, lookup: checkedLookup } };
  if (!http2Streams) return new Agent(agentOptions);
  return new Agent({
    ...agentOptions,
    allowH2: true,
    factory: (origin, poolOptions) =>
      new Pool(origin, {
        ...poolOptions,
        factory: (o, clientOptions) => new MultiplexingClient(o, clientOptions, http2Streams),
      }),
  });
}

/**
 * A connection that runs several requests at once when, and only when, its server chose HTTP/2.
 *
 * undici's Client sends one request at a time unless `pipelining` is raised, and on HTTP/1.1 a raised
 * `pipelining` queues a request behind a running one on the same socket — behind a 30-second stream.
 * So it stays 1 until the TLS handshake says "h2"; then it becomes `streams` (each request its own
 * stream). undici's HTTP/2 client also holds back a second request that is not marked idempotent
 * (every POST), although HTTP/2 streams do not wait for each other: every request is marked
 * idempotent. undici reads that flag only to decide whether a request may share a connection with
 * one already running, which with `pipelining` 1 never happens.
 */
// What it cannot help: undici (7.x) closes an HTTP/2 connection as soon as its server sends GOAWAY,
// although GOAWAY lets the streams already open finish, so each of them ends with an error (billed
// for what it produced). Servers send it to retire a connection — nginx after http2_max_requests
// (1,000) — which is why UPSTREAM_HTTP2_STREAMS is 0 unless an operator turns it on.
class MultiplexingClient extends Client {
  constructor(origin: string | URL, options: Client.Options, streams: number) {
    const connect = options.connect as (opts: object, cb: (err: Error | null, socket: unknown) => void) => void;
    let protocol: unknown;
    super(origin, {
      ...options,
      connect: (opts, cb) =>
        connect(opts, (err, socket) => {
          protocol = (socket as { alpnProtocol?: unknown } | null)?.alpnProtocol;
          cb(err, socket as never);
        }),
    });
    // Emitted once the client has set up HTTP/2 or HTTP/1.1 on the new socket; the setter resumes it.
    this.on("connect", () => {
      if (protocol !== "h2") {
        this.pipelining = 1;
        return;
      }
      this.pipelining = streams;
      // A server that allows fewer streams at once (SETTINGS_MAX_CONCURRENT_STREAMS) would hold the rest
      // back, each behind a running one: the cap follows its settings. undici keeps the session under a
      // symbol of its own; without it (another undici), the cap stays `streams`.
      const session = ownSymbolValue(this, "http2Session") as Http2Session | undefined;
      session?.on("remoteSettings", (settings) => {
        this.pipelining = Math.max(1, Math.min(streams, settings.maxConcurrentStreams ?? streams));
      });
    });
  }

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return super.dispatch(options.idempotent ? options : { ...options, idempotent: true }, handler);
  }
}

function ownSymbolValue(target: object, description: string): unknown {
  const symbol = Object.getOwnPropertySymbols(target).find((s) => s.description === description);
  return symbol === undefined ? undefined : (target as Record<symbol, unknown>)[symbol];
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
