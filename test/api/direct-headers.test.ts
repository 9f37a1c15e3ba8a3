// The direct path's request headers (lib/direct-path.mjs `DirectHeaders`) stand in for a `Headers`
// the routes would otherwise read: every read must answer what undici's `Headers` answers for the
// same pairs, repeated names, odd cases and whitespace included.

import { describe, expect, it } from "vitest";
import { DirectHeaders, directRequest, servedDirectly } from "@/lib/direct-path.mjs";

const pairs: Array<[string, string]> = [
  ["Host", "127.0.0.1:3000"],
  ["Content-Type", "application/json"],
  ["Authorization", "Bearer tg_one"],
  ["authorization", "Bearer tg_two"],
  ["Cookie", "a=1"],
  ["cookie", "b=2"],
  ["X-Api-Key", "  padded\t"],
  ["Accept", "text/event-stream"],
  ["accept", "application/json"],
  ["Origin", "https://evil.example"],
  ["x-empty", ""],
  ["Set-Cookie", "a=1; Path=/"],
  ["set-cookie", "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT"],
];

/** Every way a route reads headers, as one comparable value. */
function reads(h: Headers) {
  const each: string[] = [];
  h.forEach((value, name) => each.push(`${name}=${value}`));
  return {
    get: ["host", "CONTENT-TYPE", "authorization", "cookie", "x-api-key", "accept", "origin", "x-empty", "missing"].map(
      (n) => h.get(n),
    ),
    has: ["Authorization", "x-empty", "missing"].map((n) => h.has(n)),
    setCookies: h.getSetCookie(),
    setCookie: h.get("set-cookie"),
    entries: [...h.entries()],
    iterated: [...h],
    keys: [...h.keys()],
    values: [...h.values()],
    each,
    fromEntries: Object.fromEntries(h),
    copied: [...new Headers(h)],
  };
}

describe("the direct path's request headers", () => {
  it("read as Headers reads the same pairs", () => {
    expect(reads(new DirectHeaders(pairs) as unknown as Headers)).toEqual(reads(new Headers(pairs)));
  });

  it("fill from a record and from another Headers as Headers does, and change as it does", () => {
    const record = { "X-One": "1", "x-two": " 2 " };
    expect(reads(new DirectHeaders(record) as unknown as Headers)).toEqual(reads(new Headers(record)));
    const changed = (h: Headers) => {
      h.set("X-One", "one");
      h.append("Set-Cookie", "c=3");
      h.append("set-cookie", "d=4");
      h.set("set-cookie", "e=5");
      h.append("set-cookie", "f=6");
      h.append("x-two", "again");
      h.delete("X-THREE");
      return reads(h);
    };
    const from = new Headers({ ...record, "x-three": "3" });
    expect(changed(new DirectHeaders(from) as unknown as Headers)).toEqual(changed(new Headers(from)));
  });

  it("make a request the routes read as a Request, with the socket's signal and the body kept aside", () => {
    const signal = new AbortController().signal;
    const body = Buffer.from("{}");
    const req = directRequest("http://127.0.0.1:3000/v1/chat/completions?x=1", { headers: pairs, signal, body });
    expect(req.method).toBe("POST");
    expect(req.url).toBe("http://127.0.0.1:3000/v1/chat/completions?x=1");
    expect(req.signal).toBe(signal);
    expect(req.headers.get("authorization")).toBe("Bearer tg_one, Bearer tg_two");
    expect(servedDirectly(req)).toBe(true);
  });

  it("refuses an address a Request would refuse", () => {
    const init = { headers: pairs, signal: new AbortController().signal, body: Buffer.alloc(0) };
    expect(() => directRequest("http://exa mple/v1/chat/completions", init)).toThrow();
    expect(() => new Request("http://exa mple/v1/chat/completions")).toThrow();
  });
});
