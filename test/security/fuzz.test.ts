// Issue 8 item 8: every route and method, called anonymously and with the credentials it needs
// (so admin routes are fuzzed past the auth check), with missing, null, wrong-typed, 10,000-deep,
// bad-JSON and NUL/unicode bodies, bad query strings and bad path ids → never a 5xx, never a stack
// trace; bodies the route must parse → 4xx. Oversized bodies are refused with 413 before parsing, by
// the one reader every wrapper uses; afterwards a normal user's request still works.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteDoc } from "@/lib/openapi/registry";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { ADMIN_EMAIL, ADMIN_TOKEN, type CallOptions, call, cookieFor, startApp } from "../helpers/app";
import { sdk, seedProviders, userWithKey } from "../helpers/gateway";
import { type LoadedRoute, loadApiRoutes, pathParams } from "../helpers/routes";

const up = await startFakeUpstream();

const deepArray = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
const deepObject = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
const weird = "\u0000\ud800 💥 \u202e ﷽ <script>alert(1)</script> ' OR 1=1 --";
const wrongTypes = JSON.stringify({
  id: { $ne: null },
  email: ["a@b.c"],
  password: 12,
  name: { x: 1 },
  model: 7,
  messages: "hi",
  amount: [],
  limits: "lots",
  role: "ROOT",
  stream: "yes",
  enabled: "true",
  baseUrl: 1,
  kind: null,
});
const nulBytes = JSON.stringify({
  id: weird,
  email: `a${weird}@example.test`,
  password: weird,
  name: weird,
  title: weird,
  model: weird,
  messages: [{ role: "user", content: weird }],
  q: weird,
  reason: weird,
});

/** Bodies that no route may accept: each must get a 4xx from a route that reads a body. */
const badBodies: Array<[string, string | undefined]> = [
  ["null", "null"],
  ["a number", "42"],
  ["an array", "[]"],
  ["wrong types", wrongTypes],
  ["10,000-deep array", deepArray],
  ["10,000-deep object", deepObject],
  ["bad JSON", '{"a": 1,'],
  ["single quotes", "{'a': 1}"],
  ["NUL and odd unicode", nulBytes],
  ["a raw NUL byte", '{"name": "a\u0000b"}'],
];
const badQueries = [
  "?limit=abc&offset=-1",
  "?limit=1e309&offset=NaN",
  `?q=${encodeURIComponent(weird.replace("\ud800", ""))}&sort=${encodeURIComponent("id; DROP TABLE users")}`,
  "?limit[]=1&limit=2&from=not-a-date&to=%00",
];
const badIds = ["%00", "../../etc/passwd", "' OR '1'='1", "💥".repeat(300), "0".repeat(5000)];

const STACK = /\n\s+at |node_modules|\.tsx?:\d+|Prisma|Invalid `|prisma\.|SELECT |TypeError|RangeError|SyntaxError/;

let user = { cookie: "", key: "", email: "" };

function credentials(auth: RouteDoc["auth"]): Partial<CallOptions<Record<string, string>>> {
  if (auth === "admin" || auth === "metrics") return { bearer: ADMIN_TOKEN };
  if (auth === "apiKey") return { bearer: user.key };
  if (auth === "public" || auth === "signed") return {};
  // The seed systems' routes (/compat/**): HTTP Basic reaches every one of them, as an administrator for their admin APIs.
  if (auth === "compat")
    return {
      headers: {
        authorization: `Basic ${Buffer.from(`${ADMIN_EMAIL}:${process.env.ADMIN_PASSWORD}`).toString("base64")}`,
      },
    };
  return { cookie: user.cookie };
}

async function send(route: LoadedRoute, opts: CallOptions<Record<string, string>>, what: string) {
  const controller = new AbortController();
  const res = await call(route.handler, { method: route.doc.method, signal: controller.signal, ...opts });
  const label = `${route.doc.method} ${route.doc.path} ${what} → ${res.status}`;
  // Streams (SSE, progress) would never end: their first bytes are enough.
  const text = res.status < 300 ? "" : await res.text();
  controller.abort();
  await res.body?.cancel().catch(() => {});
  // A documented 5xx is the route's answer, not a failure (SynapseChat's restart: 501, saying how).
  if (res.status !== route.doc.status) expect(res.status, `${label} ${text.slice(0, 300)}`).toBeLessThan(500);
  expect(text, label).not.toMatch(STACK);
  return res.status;
}

beforeAll(async () => {
  await startApp();
  await seedProviders(up); // so /api/ready is ready, and the last test has a model to call
  const { user: u, key } = await userWithKey();
  user = { cookie: await cookieFor(u.email), key, email: u.email };
});
afterAll(() => up.close());

describe("fuzzing every route", () => {
  it("never answers 5xx or leaks a stack trace, and refuses every malformed body with a 4xx", {
    timeout: 120_000,
  }, async () => {
    const routes = await loadApiRoutes();
    for (const route of routes) {
      const { doc } = route;
      const auth = credentials(doc.auth);
      const id = pathParams(doc, "00000000-0000-0000-0000-000000000000");
      await send(route, { params: id }, "anonymous");
      if (doc.method !== "GET")
        await send(
          route,
          { params: id, rawBody: nulBytes, headers: { "content-type": "application/json" } },
          "anonymous with a body",
        );
      const statuses = [await send(route, { ...auth, params: id }, "no body")];
      for (const q of badQueries)
        statuses.push(await send(route, { ...auth, params: id, path: `${doc.path}${q}` }, `query ${q}`));
      for (const bad of badIds)
        if (doc.path.includes("{"))
          statuses.push(
            await send(route, { ...auth, params: pathParams(doc, decodeURIComponent(bad)) }, `id ${bad.slice(0, 20)}`),
          );
      if (doc.method !== "GET" && doc.method !== "DELETE") {
        for (const [what, rawBody] of badBodies) {
          const status = await send(
            route,
            { ...auth, params: id, rawBody, headers: { "content-type": "application/json" } },
            what,
          );
          if (doc.body) expect(status, `${doc.method} ${doc.path} ${what}`).toBeGreaterThanOrEqual(400);
          statuses.push(status);
        }
      }
      // The credentials got the requests past authentication, so the handler itself was fuzzed.
      if (doc.auth !== "signed")
        expect(
          statuses.filter((s) => s !== 401 && s !== 403),
          `${doc.method} ${doc.path}: ${statuses}`,
        ).not.toHaveLength(0);
      // Some routes end the session (logout everywhere): the next route starts from a fresh sign-in.
      user.cookie = await cookieFor(user.email);
    }
  });
});

describe("body size limits", () => {
  const FIFTY_MB = 50 * 1024 * 1024;
  const sampled = [
    "/api/auth/register",
    "/api/user/keys",
    "/api/admin/provider/create",
    "/api/v1/chat/completions",
    "/api/chat",
  ];

  /** A body produced on demand, counting how much of it the server pulled. */
  function lazyBody(size: number) {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= size) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    return { stream, pulled: () => pulled };
  }

  it("refuses a declared 50 MB body with 413 without reading it, on one route of each kind", async () => {
    const routes = (await loadApiRoutes()).filter((r) => r.doc.method === "POST" && sampled.includes(r.doc.path));
    expect(routes.map((r) => r.doc.path).sort()).toEqual([...sampled].sort());
    for (const route of routes) {
      const body = lazyBody(FIFTY_MB);
      const req = new Request(`http://localhost${route.doc.path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": String(FIFTY_MB),
          ...authHeaders(route.doc.auth),
        },
        body: body.stream,
        duplex: "half",
      } as RequestInit);
      const res = await route.handler(req, { params: Promise.resolve({}) });
      expect(res.status, route.doc.path).toBe(413);
      expect(body.pulled(), route.doc.path).toBeLessThanOrEqual(64 * 1024);
    }
  });

  it("stops reading an undeclared (chunked) 50 MB body at the limit", async () => {
    const routes = (await loadApiRoutes()).filter((r) => r.doc.method === "POST" && sampled.includes(r.doc.path));
    for (const route of routes) {
      const body = lazyBody(FIFTY_MB);
      const req = new Request(`http://localhost${route.doc.path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...authHeaders(route.doc.auth) },
        body: body.stream,
        duplex: "half",
      } as RequestInit);
      const res = await route.handler(req, { params: Promise.resolve({}) });
      expect(res.status, route.doc.path).toBe(413);
      // Each route's own limit (20 MB for /v1, 45 MB for the chat page's images and files), never the whole body.
      expect(body.pulled(), route.doc.path).toBeLessThan(46 * 1024 * 1024);
    }
  });

  function authHeaders(auth: RouteDoc["auth"]): Record<string, string> {
    const c = credentials(auth);
    // A cookie-authenticated POST comes from our own page (lib/api/same-origin.ts).
    return {
      ...(c.bearer ? { authorization: `Bearer ${c.bearer}` } : {}),
      ...(c.cookie ? { cookie: c.cookie, origin: "http://localhost" } : {}),
    };
  }
});

describe("after the fuzzing", () => {
  it("still serves a valid user's request", async () => {
    const { key } = await userWithKey();
    const res = await sdk(key).chat.completions.create({
      model: "gpt-fake",
      messages: [{ role: "user", content: "still there?" }],
    });
    expect(res.choices[0].message.content).toBeTruthy();
  });
});
