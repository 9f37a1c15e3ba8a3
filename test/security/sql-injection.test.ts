// Issue 8 item 10: SQL injection strings in API keys, search `q`, filters and sort/order params →
// a 4xx or an empty result, never an error that leaks SQL; and no unsafe raw SQL in the codebase.

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as recharge from "@/app/api/admin/api-key/recharge/route";
import * as login from "@/app/api/auth/login/route";
import { PEER_ADDRESS_HEADER } from "@/lib/net/peer-address";
import { openApiDocument } from "@/lib/openapi/document";
import { ADMIN_TOKEN, call, cookieFor, startApp } from "../helpers/app";
import { gatewayFetch, userWithKey } from "../helpers/gateway";
import { loadApiRoutes } from "../helpers/routes";

const root = path.resolve(import.meta.dirname, "../..");
const injections = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '" OR ""="',
  '1; DROP TABLE "User"; --',
  '\') UNION SELECT id, email, "passwordHash" FROM "User" --',
  "%' OR '%'='",
  "\\'; SELECT pg_sleep(5); --",
  "1 OR 1=1",
  "$1",
];
const LEAK = /syntax error|SQL|Prisma|relation "|column "|pg_|\n\s+at |invalid input syntax|internal_error/i;

let userCookie = "";

beforeAll(async () => {
  await startApp();
  // Rows in every list, so a filter that is ignored or spliced in would show them.
  const { user } = await userWithKey();
  userCookie = await cookieFor(user.email);
  await userWithKey();
});

function queryParams(apiPath: string): string[] {
  const op = openApiDocument().paths[apiPath]?.get as { parameters?: Array<{ in: string; name: string }> } | undefined;
  return (op?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
}

describe("injection strings in query parameters", () => {
  it("answer 4xx or an empty result on every searchable list, with no SQL in the answer", {
    timeout: 60_000,
  }, async () => {
    const lists = await loadApiRoutes(
      (r) => r.method === "GET" && !!r.query && !r.path.includes("{") && r.produces !== "sse",
    );
    expect(lists.length).toBeGreaterThan(10);
    for (const { doc: route, handler } of lists) {
      const auth = route.auth === "admin" ? { bearer: ADMIN_TOKEN } : { cookie: userCookie };
      const names = queryParams(route.path).filter((n) => n !== "limit" && n !== "offset");
      for (const name of [...names, "sort", "order", "filter", "orderBy"]) {
        for (const value of injections) {
          const res = await call(handler, { ...auth, path: `${route.path}?${new URLSearchParams({ [name]: value })}` });
          const text = await res.text();
          const label = `${route.path}?${name}=${value} → ${res.status}`;
          expect(res.status, `${label} ${text.slice(0, 200)}`).toBeLessThan(500);
          expect(text, label).not.toMatch(LEAK);
          if (res.status !== 200 || !names.includes(name) || route.produces === "csv" || route.produces === "text")
            continue;
          const body = JSON.parse(text) as { items?: unknown[]; total?: number; lines?: unknown[] };
          if (Array.isArray(body.items) && name !== "limit") expect(body.items, label).toHaveLength(0);
        }
      }
    }
  });

  it("leave unknown sort and filter params without effect", async () => {
    const [{ handler }] = await loadApiRoutes((r) => r.method === "GET" && r.path === "/api/admin/user/list");
    const plain = await (await call(handler, { bearer: ADMIN_TOKEN, path: "/api/admin/user/list" })).json();
    for (const value of injections) {
      const res = await call(handler, {
        bearer: ADMIN_TOKEN,
        path: `/api/admin/user/list?${new URLSearchParams({ sort: value, order: value })}`,
      });
      expect(await res.json()).toEqual(plain);
    }
  });
});

describe("injection strings where keys and emails are looked up", () => {
  it("refuse them as API keys (Authorization and x-api-key) with 401", async () => {
    for (const value of injections) {
      for (const headers of [
        { authorization: `Bearer ${value}` },
        { "x-api-key": value },
        { authorization: `Bearer tg-${value}` },
      ] as Array<Record<string, string>>) {
        const res = await gatewayFetch("http://tollgate.test/v1/models", { headers });
        const text = await res.text();
        expect(res.status, `${JSON.stringify(headers)}: ${text}`).toBe(401);
        expect(text).not.toMatch(LEAK);
      }
    }
  });

  it("find no key to recharge and no account to sign in to", async () => {
    for (const value of injections) {
      const res = await call(recharge.POST, { bearer: ADMIN_TOKEN, body: { api_key: value, amount: "1" } });
      expect([400, 404], value).toContain(res.status);
      expect(await res.text()).not.toMatch(LEAK);
      const signIn = await call(login.POST, {
        body: { email: value, password: value },
        headers: { [PEER_ADDRESS_HEADER]: `10.9.${injections.indexOf(value)}.1` },
      });
      expect([400, 401, 429], value).toContain(signIn.status);
      expect(await signIn.text()).not.toMatch(LEAK);
    }
  });
});

describe("raw SQL in the codebase", () => {
  it("uses no $queryRawUnsafe / $executeRawUnsafe / Prisma.raw anywhere in lib, app, scripts or bench", () => {
    const offenders: string[] = [];
    for (const dir of ["lib", "app", "scripts", "bench", "prisma"]) {
      for (const rel of readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })) {
        if (rel.includes("generated") || rel.includes("node_modules") || !/\.(ts|tsx|mjs|js|cjs)$/.test(rel)) continue;
        const source = readFileSync(path.join(root, dir, rel), "utf8");
        if (/\$(queryRaw|executeRaw)Unsafe\b|Prisma\.raw\s*\(|\$(queryRaw|executeRaw)\s*\(/.test(source))
          offenders.push(path.join(dir, rel));
      }
    }
    expect(offenders).toEqual([]);
  });

  it("is also banned by the lint configuration", () => {
    const eslint = readFileSync(path.join(root, "eslint.config.js"), "utf8");
    expect(eslint).toMatch(/property: "\$queryRawUnsafe"/);
    expect(eslint).toMatch(/property: "\$executeRawUnsafe"/);
  });
});
