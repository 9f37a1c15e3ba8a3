// The direct path's contract, in the one module both sides import: scripts/serve.mjs (plain Node)
// hands a gateway call straight to its route's POST handler, bypassing Next.js's routing and stream
// adaptation, and the gateway (TypeScript, bundled by Next.js) answers with its JSON text or with
// a source of chunks rather than a web stream built only to be read back.
//
// - The request: `directRequest` attaches the body, already read whole from the socket;
//   lib/api/body.ts reads it with `directRequestBody`.
// - The answer: the gateway always builds it with `jsonAnswer` / `streamAnswer`. Served directly,
//   serve.mjs writes it with `directAnswer`; on every other path the route wrapper
//   (lib/api/handler.ts, the one seam) turns it into an ordinary Response with `webResponse`.
// - A failure serve.mjs meets itself: the route wrapper puts its error answer on the handler
//   (`withDirectFailure`), so serve.mjs answers with the route's own error table and shape.
//
// Symbol.for: Next.js bundles its own copy of this module; the symbols are the same in both.

const BODY = Symbol.for("tollgate.directBody");
const STREAM = Symbol.for("tollgate.directStream");
const FAILURE = Symbol.for("tollgate.directFailure");

/** Bodies up to this size take the direct path (larger ones, e.g. with images, go through Next.js). */
export const DIRECT_BODY_MAX = 1024 * 1024;

/** The wire formats served directly: each a route under app/api/v1 whose POST runs the gateway pipeline. */
export const DIRECT_ROUTES = ["chat/completions", "responses", "messages"];

/**
 * @typedef {{ next(): Promise<Uint8Array | null>, cancel(): void, listen?: (sink: ChunkSink) => void, resume?: () => void }} ChunkSource
 * A stream's body: `next()` gives the next bytes when asked (nothing is read ahead), null at the
 * end; `cancel()` says the reader has left. A source may also push its bytes (`listen`, see
 * PushSource); a reader uses one way or the other, not both.
 */

/**
 * @typedef {{ data(bytes: Uint8Array): boolean, end(): void }} ChunkSink
 * Where a pushing source delivers: `data` answers false to ask for nothing more until `resume()`
 * (what it was given is kept); `end` comes once, after the last bytes.
 */

/**
 * @typedef {{ listen(sink: ChunkSink): void, resume(): void, cancel(): void }} PushSource
 * A stream's body that delivers each chunk as it comes, with no promise per chunk: with 10,000 slow
 * streams open, each layer's promise for the next chunk lived a second, until the chunk came —
 * long enough to be promoted and to fill the old generation (bench/README.md, open streams).
 */

/**
 * A request's headers, read the way the Fetch API's `Headers` reads them (names in any case, the
 * values of a repeated name joined, iterated in name order), filled from the socket's pairs without
 * the checks `Headers` makes of each name and value: Node's HTTP parser has made them already.
 * Building a `Headers` per request, with its `Request`, cost ~8 µs and a dozen objects (bench/README.md).
 * @implements {Headers}
 */
export class DirectHeaders {
  /** @type {Map<string, string>} by lower-case name */
  #values = new Map();
  /** Each Set-Cookie on its own, as `Headers` iterates them (a joined value would merge two cookies). */
  /** @type {string[]} */
  #setCookies = [];

  /** @param {HeadersInit} [init] pairs, a record or another Headers */
  constructor(init) {
    if (!init) return;
    if (Symbol.iterator in init)
      for (const [name, value] of /** @type {Iterable<[string, string]>} */ (init)) this.append(name, value);
    else for (const name of Object.keys(init)) this.append(name, /** @type {Record<string, string>} */ (init)[name]);
  }

  /** @param {string} name @param {string} value */
  append(name, value) {
    const key = String(name).toLowerCase();
    const had = this.#values.get(key);
    const v = normalized(value);
    if (key === "set-cookie") this.#setCookies.push(v);
    // As undici joins them: cookies with "; ", every other repeated field with ", ".
    this.#values.set(key, had === undefined ? v : `${had}${key === "cookie" ? "; " : ", "}${v}`);
  }

  /** @param {string} name @param {string} value */
  set(name, value) {
    const key = String(name).toLowerCase();
    const v = normalized(value);
    if (key === "set-cookie") this.#setCookies = [v];
    this.#values.set(key, v);
  }

  /** @param {string} name */
  delete(name) {
    const key = String(name).toLowerCase();
    if (key === "set-cookie") this.#setCookies = [];
    this.#values.delete(key);
  }

  /** @param {string} name */
  get(name) {
    return this.#values.get(String(name).toLowerCase()) ?? null;
  }

  /** @param {string} name */
  has(name) {
    return this.#values.has(String(name).toLowerCase());
  }

  getSetCookie() {
    return [...this.#setCookies];
  }

  /** The names in the order `Headers` iterates them (lower-case ASCII: code-unit order is byte order). */
  #names() {
    return [...this.#values.keys()].sort();
  }

  /** @param {(value: string, name: string, parent: Headers) => void} fn @param {unknown} [thisArg] */
  forEach(fn, thisArg) {
    // Without a pair per header: serve.mjs walks every answer's headers this way.
    for (const name of this.#names())
      if (name === "set-cookie")
        for (const cookie of this.#setCookies) fn.call(thisArg, cookie, name, this.#asHeaders());
      else fn.call(thisArg, /** @type {string} */ (this.#values.get(name)), name, this.#asHeaders());
  }

  /** Name and value in the order `Headers` iterates them: by name, each Set-Cookie on its own. */
  #pairs() {
    /** @type {Array<[string, string]>} */
    const pairs = [];
    for (const name of this.#names())
      if (name === "set-cookie") for (const cookie of this.#setCookies) pairs.push([name, cookie]);
      else pairs.push([name, /** @type {string} */ (this.#values.get(name))]);
    return pairs;
  }

  /** @returns {HeadersIterator<[string, string]>} */
  entries() {
    return asIterator(this.#pairs());
  }

  /** @returns {HeadersIterator<string>} */
  keys() {
    return asIterator(this.#pairs().map(([name]) => name));
  }

  /** @returns {HeadersIterator<string>} */
  values() {
    return asIterator(this.#pairs().map(([, value]) => value));
  }

  /** This, as the `Headers` a `forEach` callback is given. */
  #asHeaders() {
    return /** @type {Headers} */ (/** @type {unknown} */ (this));
  }

  [Symbol.iterator]() {
    return this.entries();
  }

  get [Symbol.toStringTag]() {
    return "Headers";
  }
}

/**
 * An array's iterator as the `HeadersIterator` type `Headers` declares (the same protocol).
 * @template T
 * @param {T[]} items
 * @returns {HeadersIterator<T>}
 */
function asIterator(items) {
  return /** @type {HeadersIterator<T>} */ (/** @type {unknown} */ (items.values()));
}

/** A header value as `Headers` keeps it: without leading and trailing HTTP whitespace (tab, LF, CR, space). */
function normalized(value) {
  const v = String(value);
  // Most values have none: two character codes say so without a regular expression (~3 µs a request).
  if (v.length === 0 || (v.charCodeAt(0) > 32 && v.charCodeAt(v.length - 1) > 32)) return v;
  return v.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
}

/**
 * A POST whose body was read whole from the socket (serve.mjs): what the routes read of a Request
 * (`url`, `method`, `headers`, `signal`) and nothing else — not a `Request`, whose construction
 * (its Headers, and a signal of its own that follows the given one) cost more than the rest of the
 * direct path's handling of a request. Its `signal` is the socket's own. Nothing reads its body as
 * a stream (lib/api/body.ts takes `directRequestBody`), clones it or passes it to fetch.
 * @param {string} url
 * @param {{ headers: HeadersInit, signal: AbortSignal, body: Uint8Array }} init
 * @returns {Request}
 */
export function directRequest(url, { headers, signal, body }) {
  // Parsed as a Request would: an address it would refuse is refused here too.
  const req = { method: "POST", url: new URL(url).href, headers: new DirectHeaders(headers), signal, [BODY]: body };
  return /** @type {Request} */ (/** @type {unknown} */ (req));
}

/**
 * The body serve.mjs read whole, or undefined when the request came another way.
 * @param {Request} req
 * @returns {Uint8Array | undefined}
 */
export function directRequestBody(req) {
  return /** @type {any} */ (req)[BODY];
}

/** @param {Request} req */
export const servedDirectly = (req) => BODY in req;

/**
 * A gateway answer: what the route wrapper and serve.mjs read of a Response (`status`, `ok`,
 * `headers`) with its text or chunk source — not a Response, whose construction with its Headers cost
 * more than writing the answer (bench/README.md). The route wrapper (lib/api/handler.ts) turns it into
 * a Response with `webResponse` wherever it is not served directly.
 * @param {{ status?: number, headers?: HeadersInit }} init
 * @param {{ [BODY]: string } | { [STREAM]: ChunkSource }} carried
 * @returns {Response}
 */
function gatewayAnswer(init, carried) {
  const status = init.status ?? 200;
  const headers = new DirectHeaders(init.headers);
  const res = { status, statusText: "", ok: status >= 200 && status < 300, headers, ...carried };
  return /** @type {Response} */ (/** @type {unknown} */ (res));
}

/**
 * A whole JSON answer, its text kept as is.
 * @param {string} text
 * @param {{ status?: number, headers?: HeadersInit }} [init]
 * @returns {Response}
 */
export function jsonAnswer(text, init = {}) {
  const res = gatewayAnswer(init, { [BODY]: text });
  if (!res.headers.has("content-type")) res.headers.set("content-type", "application/json");
  return res;
}

/**
 * A streamed answer (server-sent events): its chunks produced on demand, or pushed (then also
 * readable on demand, through `pulling`).
 * @param {ChunkSource | PushSource} source
 * @param {{ status?: number, headers?: HeadersInit }} [init]
 * @returns {Response}
 */
export function streamAnswer(source, init = {}) {
  return gatewayAnswer(init, { [STREAM]: "next" in source ? source : pulling(source) });
}

/**
 * Whether a route's result is a gateway answer (`jsonAnswer`, `streamAnswer`) rather than an
 * ordinary Response or a value to answer as JSON.
 * @param {unknown} result
 * @returns {result is Response}
 */
export function isGatewayAnswer(result) {
  return (
    typeof result === "object" &&
    result !== null &&
    (typeof (/** @type {Record<symbol, unknown>} */ (result)[BODY]) === "string" || STREAM in result)
  );
}

/**
 * A pushing source read on demand: it is asked to deliver only while a `next()` waits, so nothing is
 * read ahead of the reader.
 * @param {PushSource} source
 * @returns {ChunkSource}
 */
export function pulling(source) {
  /** @type {Uint8Array[]} */
  const queue = [];
  let ended = false;
  let listening = false;
  /** @type {((bytes: Uint8Array | null) => void) | null} */
  let waiting = null;
  /** @type {ChunkSink} */
  const sink = {
    data(bytes) {
      const w = waiting;
      waiting = null;
      if (w) w(bytes);
      else queue.push(bytes);
      return false;
    },
    end() {
      ended = true;
      const w = waiting;
      waiting = null;
      w?.(null);
    },
  };
  return {
    next() {
      if (queue.length) return Promise.resolve(/** @type {Uint8Array} */ (queue.shift()));
      if (ended) return Promise.resolve(null);
      const wait = new Promise((resolve) => {
        waiting = resolve;
      });
      if (listening) source.resume();
      else {
        listening = true;
        source.listen(sink);
      }
      return wait;
    },
    cancel: () => source.cancel(),
    listen: (s) => source.listen(s),
    resume: () => source.resume(),
  };
}

/**
 * What a gateway answer carries: its JSON text, its chunk source, or neither (an ordinary Response).
 * @param {Response} res
 * @returns {{ text: string, stream?: undefined } | { stream: ChunkSource, text?: undefined } | undefined}
 */
export function directAnswer(res) {
  const r = /** @type {any} */ (res);
  if (typeof r[BODY] === "string") return { text: r[BODY] };
  if (r[STREAM]) return { stream: r[STREAM] };
  return undefined;
}

/**
 * The answer as an ordinary Response (a body Next.js, tests or an in-process caller can read).
 * @param {Response} res
 * @returns {Response}
 */
export function webResponse(res) {
  const answer = directAnswer(res);
  if (!answer) return res;
  const init = { status: res.status, statusText: res.statusText, headers: res.headers };
  if (answer.text !== undefined) return new Response(answer.text, init);
  const { stream } = answer;
  const body = new ReadableStream(
    {
      async pull(controller) {
        const bytes = await stream.next();
        try {
          if (bytes) controller.enqueue(bytes);
          else controller.close();
        } catch {
          // already closed by the cancelled response
        }
      },
      cancel() {
        stream.cancel();
      },
    },
    // Nothing is read ahead: a chunk is taken from the upstream when the client's side asks for it.
    { highWaterMark: 0 },
  );
  return new Response(body, init);
}

/**
 * @template {Function} H
 * @param {H} handler a route handler
 * @param {(req: Request, err: unknown) => Response} fail its answer to an unexpected failure
 * @returns {H}
 */
export function withDirectFailure(handler, fail) {
  return Object.assign(handler, { [FAILURE]: fail });
}

/**
 * The route's answer to a failure serve.mjs met while serving it (withDirectFailure).
 * @param {Function} handler
 * @returns {((req: Request, err: unknown) => Response) | undefined}
 */
export function directFailure(handler) {
  return /** @type {any} */ (handler)[FAILURE];
}
