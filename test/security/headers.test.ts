// Issue 8 item 13 (the header half; the rendering half is a Playwright spec): every response carries
// a CSP that blocks plugins, framing and foreign scripts, plus nosniff and a referrer policy.
import { describe, expect, it } from "vitest";
import path from "node:path";

type HeaderRule = { source: string; headers: Array<{ key: string; value: string }> };
const { default: nextConfig } = (await import(path.resolve(import.meta.dirname, "../../next.config.mjs"))) as {
  default: { headers(): Promise<HeaderRule[]>; poweredByHeader?: boolean };
};

describe("security headers (next.config.mjs)", () => {
  it("apply to every path", async () => {
    const rules = await nextConfig.headers();
    expect(rules.map((r) => r.source)).toContain("/:path*");
  });

  it("set a CSP with no framing, no plugins, no eval and scripts from our own origin only", async () => {
    const all = (await nextConfig.headers()).find((r) => r.source === "/:path*")!;
    const csp = all.headers.find((h) => h.key === "Content-Security-Policy")!.value;
    const directives = Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives["frame-ancestors"]).toEqual(["'none'"]);
    expect(directives["object-src"]).toEqual(["'none'"]);
    expect(directives["base-uri"]).toEqual(["'self'"]);
    expect(directives["default-src"]).toEqual(["'self'"]);
    expect(directives["script-src"]).toContain("'self'");
    expect(directives["script-src"]).not.toContain("'unsafe-eval'");
    expect(directives["script-src"].some((s: string) => /^(https?:|\*|data:)/.test(s))).toBe(false);
    expect(directives["connect-src"]).toEqual(["'self'"]);
  });

  it("set nosniff, DENY framing, a referrer policy, and hide the framework", async () => {
    const all = (await nextConfig.headers()).find((r) => r.source === "/:path*")!;
    const header = (key: string) => all.headers.find((h) => h.key.toLowerCase() === key.toLowerCase())?.value;
    expect(header("X-Content-Type-Options")).toBe("nosniff");
    expect(header("X-Frame-Options")).toBe("DENY");
    expect(header("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(nextConfig.poweredByHeader).toBe(false);
  });
});
