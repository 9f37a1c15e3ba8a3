import { afterEach, describe, expect, it } from "vitest";
import { ClientGone } from "@/lib/gateway/upstream";

// A client that leaves aborts its upstream call with a ClientGone; Node's stream `destroy` then reads
// its `stack`, which Next.js formats with source maps. With 1,000 clients leaving at once that was
// ~70 µs each (bench/README.md, open streams), so the reason carries no frames.
describe("ClientGone", () => {
  const limit = Error.stackTraceLimit;
  afterEach(() => {
    Error.stackTraceLimit = limit;
  });

  it("is an Error named ClientGone whose stack holds no frames", () => {
    const nested = (depth: number): ClientGone => (depth ? nested(depth - 1) : new ClientGone());
    const err = nested(20);
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(ClientGone);
    expect(err.name).toBe("ClientGone");
    expect(err.message).toBe("client disconnected");
    expect(err.stack).toBe("ClientGone: client disconnected");
    // Other errors keep theirs.
    expect(new Error("other").stack).toMatch(/\n\s+at /);
  });

  it("leaves the process's stack trace limit as it was", () => {
    Error.stackTraceLimit = 7;
    new ClientGone();
    expect(Error.stackTraceLimit).toBe(7);
  });
});
