// Issue 22 item 1: every page that needs a session sends the browser to sign in with return_to set
// to that page. proxy.ts hands the page's path to the server components in a header; this is the
// check that keeps a forged value from becoming a redirect off the site.
// (e2e/auth.spec.ts follows the redirect through a production build.)
import { describe, expect, it } from "vitest";
import { pagePathOrRoot } from "@/lib/auth/page-path";

describe("the page path handed to sign-in", () => {
  it("keeps a path on this server with its query", () => {
    expect(pagePathOrRoot("/admin/keys?status=active&page=2")).toBe("/admin/keys?status=active&page=2");
    expect(pagePathOrRoot("/settings/payments/abc")).toBe("/settings/payments/abc");
  });

  it("turns anything that could leave the site, or no value, into /", () => {
    for (const bad of [
      null,
      undefined,
      "",
      "admin",
      "https://evil.example/",
      "//evil.example",
      "/\\evil.example",
      "/ok\r\nSet-Cookie: x=1",
      `/${"a".repeat(3000)}`,
    ])
      expect(pagePathOrRoot(bad), String(bad)).toBe("/");
  });
});
