// Issue 19 item 4, property-based: over the request bodies of /v1, /api/chat, /api/auth/* and every
// admin route, fast-check generates hostile JSON — wrong types, NUL characters, lone surrogates,
// huge and odd numbers, deep nesting, unknown fields, and valid bodies as they are or with one field
// replaced by a hostile or a plausible value —
// and asserts two properties: never a 5xx, and nothing written to any table on any 4xx (bad input,
// a wrong password, a missing resource, a refused limit). (test/security/fuzz.test.ts walks every
// route with fixed bad inputs.)
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { ADMIN_TOKEN, type CallOptions, call, cookieFor, startApp } from "../helpers/app";
import { databaseDigest } from "../helpers/db-snapshot";
import { seedProviders, userWithKey } from "../helpers/gateway";
import { type LoadedRoute, loadApiRoutes } from "../helpers/routes";

const up = await startFakeUpstream();
const RUNS = Number(process.env.FUZZ_RUNS ?? 10);

let credentials: Record<string, Partial<CallOptions<Record<string, string>>>> = {};

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
  const { user, key } = await userWithKey({ userLimits: { balance: 100_000_000n } });
  const cookie = await cookieFor(user.email);
  credentials = {
    admin: { bearer: ADMIN_TOKEN },
    apiKey: { bearer: key },
    user: { cookie },
    session: { cookie },
    public: {},
  };
});
afterAll(() => up.close());

/** A digest read twice in a row with the same result: no write from an earlier request is still landing. */
async function settledDigest(): Promise<Record<string, string>> {
  let previous = await databaseDigest();
  for (let tries = 0; tries < 50; tries++) {
    const current = await databaseDigest();
    if (JSON.stringify(current) === JSON.stringify(previous)) return current;
    previous = current;
  }
  throw new Error("the database kept changing with no request running");
}

// --- hostile values -----------------------------------------------------------------------------

const nasty = fc.constantFrom(
  "\ud800",
  "\udfff",
  "\u0000",
  "\u202e",
  "💥",
  "' OR 1=1 --",
  "<script>",
  "../../",
  "%00",
  "\\",
  '"',
);
const hostileString = fc.oneof(
  fc.string({ unit: fc.oneof(nasty, fc.string({ unit: "binary", minLength: 1, maxLength: 1 })), maxLength: 40 }),
  fc.constantFrom("", " ", "0", "-1", "1e309", "NaN", "null", "true", "9".repeat(400), "a".repeat(5000)),
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 2 ** 53, -(2 ** 63), 1e308, 5e-324, 0.1),
);
/** Objects and arrays nested 1–120 deep (the bound is 64). */
const deep = fc.integer({ min: 1, max: 120 }).map((depth) => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
});
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
  { weight: 1, arbitrary: deep },
  { weight: 2, arbitrary: fc.array(fc.oneof(hostileString, hostileNumber), { maxLength: 4 }) },
  { weight: 2, arbitrary: fc.dictionary(hostileString, fc.oneof(hostileString, hostileNumber), { maxKeys: 3 }) },
);

// --- bodies per route ------------------------------------------------------------------------------

/** Bodies that pass validation, so one replaced field is checked deeper than the first schema error. */
const validBodies: Record<string, unknown> = {
  "/api/v1/chat/completions": {
    model: "gpt-fake",
    messages: [{ role: "user", content: "hi" }],
    max_tokens: 5,
    metadata: { a: "b" },
  },
  "/api/chat": { model: "compat-fake", message: { id: "m1", role: "user", parts: [{ type: "text", text: "hi" }] } },
  "/api/auth/login": { email: "someone@example.test", password: "a-password-1" },
  "/api/auth/register": { email: "fuzzed@example.test", password: "a-password-1", name: "Fuzz" },
  "/api/auth/password": { currentPassword: "password-123", newPassword: "another-password-1" },
};

/** Every path to a value inside a JSON value (["messages", 0, "content"] …). */
function leafPaths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]))];
}

function replaceAt(value: unknown, path: Array<string | number>, replacement: unknown): unknown {
  if (!path.length) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = replacement;
  return copy;
}

/** The top-level field names a route's schema knows (an object schema's shape). */
function fieldNames(route: LoadedRoute): string[] {
  const schema = route.doc.body as unknown as
    | { shape?: Record<string, unknown>; def?: { in?: { shape?: Record<string, unknown> } } }
    | undefined;
  return Object.keys(schema?.shape ?? schema?.def?.in?.shape ?? {});
}

function bodiesFor(route: LoadedRoute): fc.Arbitrary<unknown> {
  const names = [...fieldNames(route), "id", "__proto__", "constructor"];
  const fieldsHostile = fc.dictionary(fc.constantFrom(...names), hostileValue, { maxKeys: names.length });
  const options: Array<fc.Arbitrary<unknown>> = [fieldsHostile, hostileValue];
  const valid = validBodies[route.doc.path];
  // Plausible values make well-formed requests that a route refuses for what they say (an unknown
  // account, a wrong password, a taken address): 4xx answers past validation, where a write could hide.
  const plausible = fc.oneof(fc.string({ minLength: 8, maxLength: 30 }), fc.integer({ min: 1, max: 1000 }));
  if (valid)
    options.push(
      fc.constant(valid),
      fc.tuple(fc.constantFrom(...leafPaths(valid)), hostileValue).map(([path, v]) => replaceAt(valid, path, v)),
      fc.tuple(fc.constantFrom(...leafPaths(valid)), plausible).map(([path, v]) => replaceAt(valid, path, v)),
    );
  return fc.oneof(...options);
}

const fuzzed = (
  await loadApiRoutes((doc) => doc.method !== "GET" && doc.body !== undefined && doc.auth !== "signed")
).filter(({ doc }) => /^\/api\/(v1|chat|auth|admin)(\/|$)/.test(doc.path));

describe("request schemas under property-based fuzzing", () => {
  it("cover /v1, /api/chat, /api/auth/* and the admin bodies", () => {
    const paths = fuzzed.map((r) => r.doc.path);
    for (const path of [
      "/api/v1/chat/completions",
      "/api/chat",
      "/api/auth/login",
      "/api/auth/register",
      "/api/auth/password",
      "/api/admin/user/update",
    ])
      expect(paths).toContain(path);
    expect(paths.filter((p) => p.startsWith("/api/admin/")).length).toBeGreaterThan(15);
  });

  for (const route of fuzzed) {
    const { method, path, auth } = route.doc;
    it(`${method} ${path}: never a 5xx, and nothing written on a 4xx`, {
      timeout: 600_000,
    }, async () => {
      // The state before each run: after a 4xx it is the previous run's (nothing changed);
      // after anything else it is read again once background writes (records, key use) have settled.
      let before: Record<string, string> | undefined;
      await fc.assert(
        fc.asyncProperty(bodiesFor(route), async (body) => {
          before ??= await settledDigest();
          const rawBody = JSON.stringify(body) ?? "null";
          const res = await call(route.handler, {
            ...credentials[auth],
            method,
            rawBody,
            headers: { "content-type": "application/json" },
            params: { id: "00000000-0000-0000-0000-000000000000" },
          });
          // Read to the end (a chat answer's stream too), so its writes land before the next run's snapshot.
          const text = await res.text();
          expect(res.status, `${method} ${path} ${rawBody.slice(0, 200)} → ${text.slice(0, 200)}`).toBeLessThan(500);
          if (res.status < 400) {
            before = undefined;
            return;
          }
          const after = await databaseDigest();
          const changed = Object.keys(after).filter((table) => after[table] !== before![table]);
          expect(changed, `${method} ${path} wrote on ${res.status}: ${rawBody.slice(0, 200)}`).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    });
  }
});
