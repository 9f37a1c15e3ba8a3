// Issue 8 item 13 and issue 19 item 5 (the header half; the rendering half is e2e/security.spec.ts):
// every response carries a CSP that blocks plugins, framing and foreign scripts, plus nosniff and a
// referrer policy. Pages get a fresh nonce per request and no 'unsafe-inline' script (an injected
// script does not run even if escaping fails); everything else runs no inline script at all.
// Strict-Transport-Security when APP_URL is https.

import path from "node:path";
import { NextRequest } from "next/server";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as nextAuth from "@/app/api/auth/[...nextauth]/route";
import * as me from "@/app/api/auth/me/route";
import * as health from "@/app/api/health/route";
import * as openapi from "@/app/api/openapi.json/route";
import * as ready from "@/app/api/ready/route";
import { resetConfig } from "@/lib/config";
import { proxy } from "@/proxy";
import { call, startApp } from "../helpers/app";

type HeaderRule = { source: string; headers: Array<{ key: string; value: string }> };
const { default: nextConfig } = (await import(path.resolve(import.meta.dirname, "../../next.config.mjs"))) as {
  default: { headers(): Promise<HeaderRule[]>; poweredByHeader?: boolean };
};

const directivesOf = (csp: string) =>
  Object.fromEntries(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
const staticCsp = async (source: string) =>
  (await nextConfig.headers())
    .find((r) => r.source === source)
    ?.headers.find((h) => h.key === "Content-Security-Policy")?.value;

function expectStrictPolicy(csp: string) {
  const directives = directivesOf(csp);
  expect(directives["frame-ancestors"]).toEqual(["'none'"]);
  expect(directives["object-src"]).toEqual(["'none'"]);
  expect(directives["base-uri"]).toEqual(["'self'"]);
  expect(directives["default-src"]).toEqual(["'self'"]);
  expect(directives["script-src"]).toContain("'self'");
  expect(directives["script-src"]).not.toContain("'unsafe-inline'");
  expect(directives["script-src"]).not.toContain("'unsafe-eval'");
  expect(directives["script-src"].some((s: string) => /^(https?:|\*|data:)/.test(s))).toBe(false);
  expect(directives["connect-src"]).toEqual(["'self'"]);
  return directives;
}

afterEach(() => {
  delete process.env.APP_URL;
  delete process.env.NEXTAUTH_URL; // next-auth's options copy APP_URL there
  resetConfig();
});

describe("security headers (next.config.mjs)", () => {
  it("give the APIs and static files a CSP that runs no inline script", async () => {
    for (const source of ["/api/:path*", "/v1/:path*", "/_next/:path*"]) {
      const directives = expectStrictPolicy((await staticCsp(source))!);
      expect(directives["script-src"]).toEqual(["'self'"]);
    }
  });

  it("set nosniff, DENY framing and a referrer policy on every path, and hide the framework", async () => {
    const all = (await nextConfig.headers()).find((r) => r.source === "/:path*")!;
    const header = (key: string) => all.headers.find((h) => h.key.toLowerCase() === key.toLowerCase())?.value;
    expect(header("X-Content-Type-Options")).toBe("nosniff");
    expect(header("X-Frame-Options")).toBe("DENY");
    expect(header("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(nextConfig.poweredByHeader).toBe(false);
  });
});

describe("page CSP (proxy.ts): script injection", () => {
  const page = () => proxy(new NextRequest("http://localhost/chat"));

  it("allows only scripts carrying a fresh nonce, never 'unsafe-inline'", () => {
    const [first, second] = [page(), page()];
    const directives = expectStrictPolicy(first.headers.get("content-security-policy")!);
    const nonce = directives["script-src"].find((s: string) => s.startsWith("'nonce-"));
    expect(nonce).toMatch(/^'nonce-[A-Za-z0-9+/=]{24,}'$/);
    expect(directives["script-src"]).toContain("'strict-dynamic'");
    expect(second.headers.get("content-security-policy")).not.toContain(nonce);
    // Next.js reads the nonce from the request's policy to put it on its own scripts.
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(
      first.headers.get("content-security-policy"),
    );
  });

  it("sends Strict-Transport-Security only when APP_URL is https", () => {
    expect(page().headers.get("strict-transport-security")).toBeNull();
    process.env.APP_URL = "https://tollgate.example.com";
    expect(page().headers.get("strict-transport-security")).toMatch(/^max-age=\d{7,}/);
  });
});

describe("API responses: Strict-Transport-Security", () => {
  beforeAll(startApp);

  it("is sent on API answers (success and error) when APP_URL is https, and not otherwise", async () => {
    expect((await call(me.GET)).headers.get("strict-transport-security")).toBeNull();
    process.env.APP_URL = "https://tollgate.example.com";
    resetConfig();
    expect((await call(me.GET)).status).toBe(401);
    expect((await call(me.GET)).headers.get("strict-transport-security")).toMatch(/^max-age=\d{7,}/);
  });

  it("is sent by the health, readiness and OpenAPI routes and by next-auth's own endpoints too", async () => {
    process.env.APP_URL = "https://tollgate.example.com";
    resetConfig();
    const answers: Array<[string, Response]> = [
      ["/api/health", await call(health.GET)],
      ["/api/ready", await call(ready.GET)],
      ["/api/openapi.json", await call(openapi.GET)],
      ["/api/auth/csrf", await call(nextAuth.GET, { path: "/api/auth/csrf", params: { nextauth: ["csrf"] } })],
    ];
    for (const [route, res] of answers)
      expect(res.headers.get("strict-transport-security"), route).toMatch(/^max-age=\d{7,}/);
  });
});
