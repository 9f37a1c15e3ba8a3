// The Docker files stay honest without a Docker engine: the image's layout is the one
// scripts/standalone-check.mjs starts (npm run test:multi), and compose/nginx agree with each other
// and with the configuration schema.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { envVarNames } from "@/lib/config";
import { IMAGE_LAYOUT } from "@/scripts/standalone-check.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const dockerfile = read("Dockerfile");
const compose = read("docker-compose.yml");
const nginx = read("deploy/nginx.conf");

describe("Dockerfile", () => {
  it("copies into the runtime image exactly what the standalone check lays out", () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    const copies = [...runtime.matchAll(/^COPY --from=build (?:--chown=\S+ )?\/app\/(\S+) (\S+)$/gm)].map((m) => [
      m[1],
      m[2].replace(/^\.\/?/, "") || ".",
    ]);
    expect(copies).toEqual(IMAGE_LAYOUT);
    for (const [from] of copies.filter(([from]) => !from.startsWith(".next/")))
      expect(existsSync(path.join(root, from)), from).toBe(true);
  });

  it("builds in stages and runs unprivileged, with a health check and its own signal handling", () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/^USER tollgate$/m);
    expect(dockerfile).toMatch(/useradd --system --uid 1001/);
    expect(dockerfile).toMatch(/^HEALTHCHECK [^\n]*(\\\n[^\n]*)*\/api\/health/m);
    expect(dockerfile).toMatch(/NEXT_MANUAL_SIG_HANDLE=true/);
    // with the old-generation setting npm start uses too (scripts/server-process.mjs)
    expect(dockerfile).toMatch(/^CMD \["node", "--heap-growing-percent=30", "server.js"\]$/m);
  });

  it("keeps secrets and build output out of the build context", () => {
    const ignored = read(".dockerignore").split("\n");
    for (const entry of ["node_modules", ".next", ".env", "data", ".git"]) expect(ignored, entry).toContain(entry);
  });
});

describe("docker-compose.yml and nginx", () => {
  it("runs two identical Tollgate services on PostgreSQL and Redis", () => {
    expect(compose).toMatch(/^ {2}tollgate-1: \*tollgate$/m);
    expect(compose).toMatch(/^ {2}tollgate-2: \*tollgate$/m);
    expect(compose).toMatch(/DATABASE_URL: postgresql:\/\/\S+@postgres:5432\//);
    expect(compose).toMatch(/REDIS_URL: redis:\/\/redis:6379/);
    expect(compose).toMatch(/AUTH_SECRET: \$\{AUTH_SECRET:\?/);
  });

  it("passes only variables the configuration knows", () => {
    const block = compose.slice(compose.indexOf("  environment:"), compose.indexOf("  depends_on:"));
    const names = [...block.matchAll(/^ {4}([A-Z0-9_]+):/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => !envVarNames.includes(n) && n !== "NEXTAUTH_URL")).toEqual([]);
  });

  it("balances over both services without buffering streams", () => {
    const upstreams = [...nginx.matchAll(/^\s*server (tollgate-\d):3000/gm)].map((m) => m[1]);
    expect(upstreams).toEqual(["tollgate-1", "tollgate-2"]);
    expect(nginx).toMatch(/proxy_buffering off;/);
    expect(nginx).toMatch(/proxy_request_buffering off;/);
    expect(nginx).toMatch(/proxy_http_version 1\.1;/);
    expect(compose).toMatch(/\.\/deploy\/nginx\.conf:\/etc\/nginx\/conf\.d\/default\.conf:ro/);
  });
});
