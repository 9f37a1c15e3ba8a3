// Issue 23 item 3: docs/migrating.md has one table per seed system, a row per documented
// endpoint. Every row's Tollgate endpoint must have a contract test (a test in test/compat whose
// title starts with "<METHOD> <path>"), and every compat route must have its row.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { apiRoutes } from "@/lib/openapi/routes";

const root = path.resolve(import.meta.dirname, "../..");
const doc = readFileSync(path.join(root, "docs/migrating.md"), "utf8");

/** The Tollgate endpoint of each table row: the second cell, `METHOD /compat/…`. */
function tableEndpoints(markdown: string): string[] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("|") && !/^\|\s*-/.test(line))
    .map((line) => line.split("|")[2] ?? "")
    .flatMap((cell) =>
      [...cell.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/compat\/[^`\s]+)`/g)].map((m) => `${m[1]} ${m[2]}`),
    );
}

/** `it("GET /compat/x/y: …")` and `describe("GET /compat/x/y …")` titles in test/compat. */
function testedEndpoints(sources: string[]): Set<string> {
  const found = new Set<string>();
  for (const source of sources) {
    for (const m of source.matchAll(/\b(?:it|describe)\(\s*["'`](GET|POST|PUT|PATCH|DELETE) (\/compat\/[^\s:"'`]+)/g))
      found.add(`${m[1]} ${m[2]}`);
  }
  return found;
}

const testDir = path.join(root, "test/compat");
const sources = readdirSync(testDir)
  .filter((f) => f.endsWith(".test.ts") && f !== "migrating-doc.test.ts")
  .map((f) => readFileSync(path.join(testDir, f), "utf8"));

describe("docs/migrating.md", () => {
  const rows = tableEndpoints(doc);

  it("reads the tables and the test titles (the check itself works)", () => {
    expect(tableEndpoints("| `POST /apply` | `POST /compat/a/apply` | same |\n|---|---|---|")).toEqual([
      "POST /compat/a/apply",
    ]);
    expect([...testedEndpoints(['it("GET /compat/a/b/{id}: one", …)'])]).toEqual(["GET /compat/a/b/{id}"]);
    expect(rows.length).toBeGreaterThan(40);
  });

  it("has a contract test for every row", () => {
    const tested = testedEndpoints(sources);
    expect(rows.filter((r) => !tested.has(r))).toEqual([]);
  });

  it("has a row for every compat route", () => {
    const documented = new Set(rows);
    const routes = apiRoutes.filter((r) => r.path.startsWith("/compat/")).map((r) => `${r.method} ${r.path}`);
    expect(routes.filter((r) => !documented.has(r))).toEqual([]);
  });
});
