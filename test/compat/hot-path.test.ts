// Issue 23: the compatibility routes add no cost to the /v1 hot path. /v1 runs no compat code at
// all: nothing its route handlers (app/api/v1/**) or the direct path (scripts/serve.mjs) load
// imports lib/compat or app/compat — the adapters call into lib/, never the other way round. So
// a /v1 request does the same work with or without them; this test fails the day that changes.
import madge from "madge";
import { describe, expect, it } from "vitest";

describe("the /v1 hot path", () => {
  it("loads no compatibility adapter code", { timeout: 120_000 }, async () => {
    const graph = await madge(["app/api/v1", "scripts/serve.mjs"], {
      tsConfig: "tsconfig.json",
      fileExtensions: ["ts", "tsx", "mjs"],
      excludeRegExp: [/^lib\/generated/],
    });
    const files = Object.keys(graph.obj());
    // The graph really is the gateway's: the pipeline and the chat completions route are in it.
    expect(files).toEqual(expect.arrayContaining(["lib/gateway/pipeline.ts", "app/api/v1/chat/completions/route.ts"]));
    expect(files.filter((f) => /(^|\/)compat\//.test(f))).toEqual([]);
  });
});
