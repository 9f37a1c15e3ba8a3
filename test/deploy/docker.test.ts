// The Docker files stay honest without a Docker engine: the image's layout and CMD are the ones
// scripts/standalone-check.mjs starts (npm run test:multi), its CMD runs `npm start`'s server with
// `npm start`'s Node flags, and compose/nginx agree with each other and with the configuration schema.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { envVarNames } from "@/lib/config";
import { serverCommand, serverProcess } from "@/scripts/server-process.mjs";
import { IMAGE_LAYOUT, imageCommand } from "@/scripts/standalone-check.mjs";

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
  });

  it("runs npm start's server with npm start's Node flags, from the one place they are written", () => {
    expect(imageCommand(dockerfile)).toEqual(["sh", "-c", "exec env $(node scripts/server-process.mjs)"]);
    expect(dockerfile).not.toMatch(/server\.js|--heap-growing|MALLOC_ARENA_MAX/);
    // What that prints in the image (its ENV, plus a database or not), run for real.
    const imageEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      NEXT_MANUAL_SIG_HANDLE: "true",
    };
    for (const env of [imageEnv, { ...imageEnv, DATABASE_URL: "postgresql://tollgate@postgres:5432/tollgate" }]) {
      const printed = execFileSync(process.execPath, ["scripts/server-process.mjs"], {
        cwd: root,
        env,
        encoding: "utf8",
      });
      const words = printed.trim().split(" ");
      expect(words).toEqual(serverCommand(env));
      const node = serverProcess(env);
      // env's settings, then exactly the node command npm start spawns (scripts/start.mjs)
      expect(words).toEqual([
        ...Object.entries(node.env)
          .filter(([name]) => env[name as keyof typeof env] === undefined)
          .map(([name, value]) => `${name}=${value}`),
        "node",
        ...node.args,
        "scripts/serve.mjs",
      ]);
      expect(words).toContain("--heap-growing-percent=30");
      expect(words).toContain("MALLOC_ARENA_MAX=2");
    }
    expect(read("scripts/start.mjs")).toMatch(/serverProcess\(/);
    expect(read("scripts/start.mjs")).toMatch(/"scripts\/serve\.mjs"/);
  });

  it("copies in every file scripts/serve.mjs imports beside the traced build", () => {
    const copied = new Set(IMAGE_LAYOUT.map(([, to]) => to));
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, spec] of read(file).matchAll(/^import [^"]*"(\.{1,2}\/[^"]+)";$/gm))
        visit(path.join(path.dirname(file), spec));
    };
    visit("scripts/serve.mjs");
    visit("scripts/server-process.mjs");
    expect([...seen].sort()).toEqual(
      [
        "lib/direct-path.mjs",
        "scripts/lib/direct-server.mjs",
        "scripts/lib/drain.mjs",
        "scripts/serve.mjs",
        "scripts/server-process.mjs",
        "scripts/synapse-ws.mjs",
        "security-headers.mjs",
      ].sort(),
    );
    for (const file of seen) expect(copied, file).toContain(file);
    // and the one package they import that the trace does not hold (scripts/synapse-ws.mjs)
    expect(read("scripts/synapse-ws.mjs")).toMatch(/from "ws"/);
    expect(copied).toContain("node_modules/ws");
  });

  it("keeps secrets and build output out of the build context", () => {
    const ignored = read(".dockerignore").split("\n");
    for (const entry of ["node_modules", ".next", ".env", "data", ".git"]) expect(ignored, entry).toContain(entry);
  });
});

describe("docker-compose.yml and nginx", () => {
  const file = parse(compose, { merge: true }) as {
    services: Record<
      string,
      { image?: string; deploy?: { replicas?: unknown }; ports?: unknown; container_name?: unknown; profiles?: unknown }
    >;
  };

  it("runs one scalable Tollgate service on PostgreSQL and Redis", () => {
    const tollgate = file.services.tollgate;
    expect(tollgate.image).toBe("tollgate:local");
    expect(tollgate.deploy?.replicas).toBe("${TOLLGATE_INSTANCES:-2}");
    // --scale needs instances that differ only by number: no fixed name, no host port
    expect(tollgate.container_name).toBeUndefined();
    expect(tollgate.ports).toBeUndefined();
    expect(Object.keys(file.services).filter((s) => s.startsWith("tollgate"))).toEqual(["tollgate"]);
    expect(compose).toMatch(/DATABASE_URL: postgresql:\/\/\S+@postgres:5432\//);
    expect(compose).toMatch(/REDIS_URL: redis:\/\/redis:6379/);
    expect(compose).toMatch(/AUTH_SECRET: \$\{AUTH_SECRET:\?/);
    expect(compose).toMatch(/--scale tollgate=3/);
  });

  it("passes only variables the configuration knows", () => {
    const block = compose.slice(compose.indexOf("  environment:"), compose.indexOf("  depends_on:"));
    const names = [...block.matchAll(/^ {4}([A-Z0-9_]+):/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => !envVarNames.includes(n) && n !== "NEXTAUTH_URL")).toEqual([]);
  });

  it("balances over every instance of the service, re-resolved as it scales, without buffering streams", () => {
    const upstream = /upstream tollgate \{([^}]*)\}/.exec(nginx)?.[1] ?? "";
    expect([...upstream.matchAll(/^\s*server (\S+)/gm)].map((m) => m[1])).toEqual(["tollgate:3000"]);
    expect(upstream).toMatch(/^\s*server tollgate:3000 resolve\b/m);
    expect(upstream).toMatch(/^\s*zone tollgate \d+k;/m); // `resolve` needs the shared zone
    expect(nginx).toMatch(/^resolver 127\.0\.0\.11 valid=\d+s/m); // Docker's embedded DNS
    // `resolve` in an upstream's server is in open-source nginx from 1.27.3; the image pins the 1.28 stable line
    const [major, minor] = (file.services.nginx.image ?? "")
      .replace(/^nginx:/, "")
      .split(/[.-]/)
      .map(Number);
    expect(major * 100 + minor).toBeGreaterThanOrEqual(128);
    expect(nginx).toMatch(/proxy_buffering off;/);
    expect(nginx).toMatch(/proxy_request_buffering off;/);
    expect(nginx).toMatch(/proxy_http_version 1\.1;/);
    expect(compose).toMatch(/\.\/deploy\/nginx\.conf:\/etc\/nginx\/conf\.d\/default\.conf:ro/);
  });
});
