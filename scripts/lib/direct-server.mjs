// scripts/serve.mjs's direct path, as a request handler of its own so that a test can run it against
// the route modules without a production build (test/api/direct-path.test.ts). What passes between
// it and the routes is lib/direct-path.mjs's contract, and nothing else.
import { randomBytes } from "node:crypto";
import { setImmediate } from "node:timers";
import { DIRECT_BODY_MAX, directAnswer, directFailure, directRequest } from "../../lib/direct-path.mjs";
import { SECURITY_HEADERS } from "../../security-headers.mjs";

const securityHeaders = Object.fromEntries(SECURITY_HEADERS.map((h) => [h.key, h.value]));

// The socket's peer address under this process's random header name (lib/net/peer-address.ts,
// which stamps it on Next's path, takes the same name from globalThis).
const PEER_ADDRESS_HEADER = (globalThis[Symbol.for("tollgate.peerAddressHeader")] ??=
  `x-tollgate-peer-${randomBytes(8).toString("hex")}`);

class ClientGone extends Error {}

/**
 * `posts`: path → the route's POST handler (wrapped by lib/api/handler.ts, so it carries its
 * failure answer). Returns a function that serves `req` directly and says true, or says false
 * when the request should take the ordinary Next.js path (another path or method, a chunked or
 * large body).
 * @param {Map<string, (req: Request, ctx: { params: Promise<any> }) => Promise<Response>>} posts
 */
export function directPath(posts) {
  for (const [route, post] of posts)
    if (typeof directFailure(post) !== "function")
      throw new Error(`${route}: its POST handler does not carry the route's failure answer (lib/direct-path.mjs)`);

  return function serveDirectly(req, res) {
    if (req.method !== "POST") return false;
    const q = req.url.indexOf("?");
    const post = posts.get(q === -1 ? req.url : req.url.slice(0, q));
    if (!post) return false;
    const length = Number(req.headers["content-length"]);
    if (!Number.isInteger(length) || length > DIRECT_BODY_MAX || req.headers["transfer-encoding"]) return false;
    let request = null;
    handle(post, req, res, length, (r) => (request = r)).catch(async (err) => {
      if (err instanceof ClientGone) return void res.destroy();
      console.error("gateway direct path failed:", err);
      // Once the answer has begun there is no status to change: the client sees the stream end.
      if (res.headersSent || !request) return void res.destroy();
      // The route's own error table and shape (lib/api/handler.ts), as it answers any failure.
      await writeWhole(res, directFailure(post)(request, err)).catch(() => res.destroy());
    });
    return true;
  };
}

/**
 * The body, `length` bytes by its Content-Length (Node's parser delivers exactly that many). A body
 * that comes in one chunk is that chunk; a larger one is copied into its buffer as each chunk
 * arrives, while the rest is still on its way, rather than joined once the last has come.
 */
function readBody(req, length) {
  return new Promise((resolve, reject) => {
    let body = null;
    let at = 0;
    req.on("data", (c) => {
      if (at === 0 && c.length === length) body = c;
      else {
        body ??= Buffer.allocUnsafe(length);
        at += c.copy(body, at);
        return;
      }
      at = c.length;
    });
    req.on("end", () => resolve(body === null ? Buffer.alloc(0) : body.subarray(0, at)));
    req.on("error", reject);
    // A client that hangs up mid-body: no 'end' will come.
    req.on("close", () => {
      if (!req.complete) reject(new ClientGone());
    });
  });
}

/**
 * The request's headers as pairs, for the Request to fill its own Headers from once (a Headers
 * built here would be copied into it, every name and value checked twice). The peer address
 * replaces any header of that name the client sent.
 */
function webHeaders(req) {
  const raw = req.rawHeaders;
  const pairs = [];
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i].toLowerCase() !== PEER_ADDRESS_HEADER) pairs.push([raw[i], raw[i + 1]]);
  pairs.push([PEER_ADDRESS_HEADER, req.socket.remoteAddress ?? "unknown"]);
  return pairs;
}

function headersOf(response) {
  const headers = Object.assign({}, securityHeaders);
  // forEach, not for…of: on Node 20 undici's Headers iterator costs ~14 µs here, forEach ~2 µs.
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

/** A whole answer: one write, with its length. */
async function writeWhole(res, response, text = directAnswer(response)?.text) {
  const headers = headersOf(response);
  const body =
    text !== undefined
      ? Buffer.from(text)
      : response.body
        ? Buffer.from(await response.arrayBuffer())
        : Buffer.alloc(0);
  headers["content-length"] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

async function handle(post, req, res, length, started) {
  const body = await readBody(req, length);
  const left = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) left.abort();
  });
  const request = directRequest(`http://${req.headers.host ?? "localhost"}${req.url}`, {
    headers: webHeaders(req),
    signal: left.signal,
    body,
  });
  started(request);
  const response = await post(request, { params: Promise.resolve({}) });
  const answer = directAnswer(response);
  if (
    !answer?.stream &&
    (answer || !response.body || response.headers.get("content-type")?.startsWith("application/json"))
  )
    return writeWhole(res, response, answer?.text);
  res.writeHead(response.status, headersOf(response));
  if (answer?.stream.listen) return pushTo(res, answer.stream);
  let next;
  if (answer) {
    // A gateway stream hands over its chunks (lib/direct-path.mjs); a client that leaves cancels it.
    const { stream } = answer;
    res.on("close", () => {
      if (!res.writableFinished) stream.cancel();
    });
    next = () => stream.next();
  } else {
    const reader = response.body.getReader();
    res.on("close", () => void reader.cancel().catch(() => {}));
    next = async () => {
      const { done, value } = await reader.read();
      return done ? null : value;
    };
  }
  const write = batchedWrites(res);
  for (;;) {
    const value = await next();
    if (!value) break;
    if (!write(value)) await new Promise((resolve) => res.once("drain", resolve).once("close", resolve));
    if (res.destroyed) return;
  }
  res.end();
}

/**
 * `res.write`, except that chunks that arrive together (one upstream read holds several events)
 * leave in one write: the socket is corked at the first and uncorked once the rest have been
 * produced — at setImmediate, after this turn's I/O (process.nextTick would uncork before the next
 * chunk).
 */
function batchedWrites(res) {
  let corked = false;
  const uncork = () => {
    corked = false;
    res.uncork();
  };
  return (bytes) => {
    if (!corked) {
      corked = true;
      res.cork();
      setImmediate(uncork);
    }
    return res.write(bytes);
  };
}

/**
 * A gateway stream that pushes its chunks (lib/direct-path.mjs): each is written as it comes, and a
 * full socket pauses the stream until it drains; nothing waits on a promise between two chunks.
 */
function pushTo(res, stream) {
  res.on("close", () => {
    if (!res.writableFinished) stream.cancel();
  });
  res.on("drain", () => stream.resume());
  const write = batchedWrites(res);
  stream.listen({
    data(bytes) {
      return !res.destroyed && write(bytes);
    },
    end() {
      if (!res.destroyed) res.end();
    },
  });
}
