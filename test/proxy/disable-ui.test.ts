// DISABLE_UI=true: proxy.ts answers 404 for every page and leaves /api/**, /v1/** and /compat/** alone.

import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { config, proxy } from "@/proxy";

const matches = (url: string) => unstable_doesMiddlewareMatch({ config, url });
const run = (url: string) => proxy(new NextRequest(new URL(url, "http://tollgate.test")));

afterEach(() => {
  delete process.env.DISABLE_UI;
});

describe("proxy.ts matcher", () => {
  it("never runs for the APIs (or the build's static files)", () => {
    for (const url of [
      "/api/health",
      "/api/v1/chat/completions",
      "/v1/models",
      "/v1/chat/completions",
      "/api/openapi.json",
      "/_next/static/chunks/app.js",
      "/compat/synapse/ping",
      "/compat/brconnector/admin/api-key/apply",
    ]) {
      expect(matches(url), url).toBe(false);
    }
  });

  it("runs for pages", () => {
    for (const url of ["/", "/login", "/chat/abc", "/admin", "/docs", "/settings", "/apis", "/v1x", "/compatx"]) {
      expect(matches(url), url).toBe(true);
    }
  });
});

describe("DISABLE_UI", () => {
  it("answers 404 for pages when true", async () => {
    process.env.DISABLE_UI = "true";
    for (const url of ["/", "/login", "/docs", "/admin/users"]) {
      const res = run(url);
      expect(res.status, url).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
    }
  });

  it("lets pages through when unset or false", () => {
    for (const value of [undefined, "false", "0", ""]) {
      if (value === undefined) delete process.env.DISABLE_UI;
      else process.env.DISABLE_UI = value;
      const res = run("/login");
      expect(res.status, String(value)).toBe(200);
      expect(res.headers.get("x-middleware-next")).toBe("1");
    }
  });
});
