// Every route handler on disk is in the OpenAPI document, with the very schema object it validates with.

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "@/lib/openapi/document";
import { apiRoutes } from "@/lib/openapi/routes";

const root = path.resolve(import.meta.dirname, "../..");

/** `app/api/user/session/detail/[id]/route.ts` → `/api/user/session/detail/{id}`; null for catch-alls. */
function routePath(file: string): string | null {
  const segments = path.dirname(file).split(path.sep).slice(1);
  if (segments.some((s) => s.startsWith("[...") || s.startsWith("[[..."))) return null;
  const kept = segments.filter((s) => !/^\(.*\)$/.test(s)).map((s) => s.replace(/^\[(\w+)\]$/, "{$1}"));
  return `/${kept.join("/")}`;
}

function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:const|(?:async\s+)?function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g))
    found.add(m[1]);
  for (const block of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const m of block[1].matchAll(/\bas\s+(GET|POST|PUT|PATCH|DELETE)\b/g)) found.add(m[1]);
    for (const m of block[1].matchAll(/(?:^|,)\s*(GET|POST|PUT|PATCH|DELETE)\s*(?=,|$)/g)) found.add(m[1]);
  }
  return [...found].sort();
}

const routeFiles = readdirSync(path.join(root, "app"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(`${path.sep}route.ts`))
  .map((f) => path.join("app", f))
  .sort();

const onDisk = routeFiles.flatMap((file) => {
  const apiPath = routePath(file);
  if (!apiPath) return [];
  const source = readFileSync(path.join(root, file), "utf8");
  return [{ file, apiPath, source, methods: exportedMethods(source) }];
});

describe("how routes are found on disk", () => {
  it("derives paths and methods the way Next.js routes them", () => {
    expect(routePath(path.join("app", "api", "user", "session", "detail", "[id]", "route.ts"))).toBe(
      "/api/user/session/detail/{id}",
    );
    expect(routePath(path.join("app", "(app)", "x", "route.ts"))).toBe("/x");
    expect(routePath(path.join("app", "api", "auth", "[...nextauth]", "route.ts"))).toBeNull();
    expect(routePath(path.join("app", "api", "v1", "[[...path]]", "route.ts"))).toBeNull();
    expect(exportedMethods("export const GET = withUser(…);\nexport async function POST() {}")).toEqual([
      "GET",
      "POST",
    ]);
    expect(exportedMethods("export { handler as GET, handler as POST };")).toEqual(["GET", "POST"]);
    expect(exportedMethods("export const dynamic = 'force-dynamic';")).toEqual([]);
  });

  it("finds the route files (the walk itself works)", () => {
    expect(onDisk.length).toBeGreaterThan(40);
    expect(onDisk.every((r) => r.methods.length > 0)).toBe(true);
  });
});

describe("OpenAPI coverage", () => {
  const doc = openApiDocument();

  it("documents every route and method on disk", () => {
    const missing = onDisk.flatMap((r) =>
      r.methods
        .filter((m) => !doc.paths[r.apiPath]?.[m.toLowerCase() as "get"])
        .map((m) => `${m} ${r.apiPath}  (${r.file})`),
    );
    expect(missing, "register these in lib/openapi/routes.ts").toEqual([]);
  });

  it("documents nothing that is not on disk (except the /v1 rewrites)", () => {
    const real = new Set(onDisk.flatMap((r) => r.methods.map((m) => `${m} ${r.apiPath}`)));
    const stale = apiRoutes.map((r) => `${r.method} ${r.path}`).filter((op) => !real.has(op));
    expect(stale).toEqual([]);
  });

  it("documents the /v1 rewrites of the OpenAI-compatible routes", () => {
    expect(doc.paths["/v1/chat/completions"]?.post).toBeDefined();
    expect(doc.paths["/v1/models"]?.get).toBeDefined();
    const v1Paths = Object.keys(doc.paths).filter((p) => p.startsWith("/v1/"));
    const apiV1Paths = Object.keys(doc.paths).filter((p) => p.startsWith("/api/v1/"));
    expect(v1Paths.map((p) => `/api${p}`).sort()).toEqual(apiV1Paths.sort());
  });
});

// The schemas a route validates with, read from its source: `parseBody(req, X)` (or parseOptionalBody), `parseQuery(req, X)`,
// `parseWith(X, params)` (path) or `parseWith(X, body)`, with X imported by name from a module.
function validatedSchemas(source: string): Array<{ role: "body" | "query" | "params"; name: string; from: string }> {
  const imports = new Map<string, string>();
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
    for (const name of m[1]
      .split(",")
      .map(
        (s) =>
          s
            .trim()
            .split(/\s+as\s+/)
            .pop()!,
      )
      .filter(Boolean))
      imports.set(name, m[2]);
  }
  const found: Array<{ role: "body" | "query" | "params"; name: string; from: string }> = [];
  const add = (role: "body" | "query" | "params", name: string) => {
    const from = imports.get(name);
    if (from) found.push({ role, name, from });
  };
  for (const m of source.matchAll(/parse(?:Optional)?Body\(\s*req\s*,\s*(\w+)/g)) add("body", m[1]);
  for (const m of source.matchAll(/parseQuery\(\s*req\s*,\s*(\w+)/g)) add("query", m[1]);
  for (const m of source.matchAll(/parseWith\(\s*(\w+)\s*,\s*(\w+)/g)) add(m[2] === "params" ? "params" : "body", m[1]);
  return found;
}

describe("OpenAPI schemas are the routes' own", () => {
  it("registers, for each route, the schema object its handler validates with", async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const r of onDisk) {
      for (const s of validatedSchemas(r.source)) {
        const mod = (await import(/* @vite-ignore */ s.from)) as Record<string, unknown>;
        const schema = mod[s.name];
        const registered = apiRoutes.filter((d) => d.path === r.apiPath && d[s.role] === schema);
        checked++;
        if (registered.length === 0)
          mismatches.push(`${r.apiPath}: ${s.role} ${s.name} (from ${s.from}) is not the registered ${s.role} schema`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });
});
