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
 * A Request whose body was read whole from the socket (serve.mjs). Its `signal` is the socket's own,
 * not one the Request would make to follow it: an AbortController, a listener and a weak reference
 * the collector must finalise, per request (on Node 20, two thirds of the time the Request takes to
 * build). Nothing clones this Request or passes it to fetch, which would read the other signal.
 * @param {string} url
 * @param {{ headers: HeadersInit, signal: AbortSignal, body: Uint8Array }} init
 * @returns {Request}
 */
export function directRequest(url, { headers, signal, body }) {
  const req = new Request(url, { method: "POST", headers });
  Object.defineProperty(req, "signal", { value: signal });
  return Object.assign(req, { [BODY]: body });
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
 * A whole JSON answer, its text kept as is.
 * @param {string} text
 * @param {{ status?: number, headers?: HeadersInit }} [init]
 * @returns {Response}
 */
export function jsonAnswer(text, init = {}) {
  // The Response fills its own Headers from init (one built here first would be copied into it).
  const res = new Response(null, { status: init.status, headers: init.headers });
  if (!res.headers.has("content-type")) res.headers.set("content-type", "application/json");
  return Object.assign(res, { [BODY]: text });
}

/**
 * A streamed answer (server-sent events): its chunks produced on demand, or pushed (then also
 * readable on demand, through `pulling`).
 * @param {ChunkSource | PushSource} source
 * @param {{ status?: number, headers?: HeadersInit }} [init]
 * @returns {Response}
 */
export function streamAnswer(source, init = {}) {
  const chunks = "next" in source ? source : pulling(source);
  return Object.assign(new Response(null, init), { [STREAM]: chunks });
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
