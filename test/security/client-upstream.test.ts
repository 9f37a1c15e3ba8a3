// Issue 8 item 12: `base_url`, `api_base` and similar fields in a client's body never change the
// upstream: the other server receives nothing and the fields are not forwarded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { gatewayFetch, seedProviders, userWithKey } from "../helpers/gateway";

const up = await startFakeUpstream();
let key = "";

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
  ({ key } = await userWithKey());
});
afterAll(() => up.close());

function post(body: unknown, headers: Record<string, string> = {}) {
  return gatewayFetch("http://tollgate.test/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify(body),
  });
}

describe("client-chosen upstreams", () => {
  it("ignores base_url / api_base / baseURL / endpoint in the body and upstream headers: the other server receives nothing", async () => {
    const other = await startFakeUpstream();
    try {
      for (const model of ["gpt-fake", "compat-fake", "ollama-fake", "bedrock-fake"]) {
        const res = await post(
          {
            model,
            messages: [{ role: "user", content: "x" }],
            base_url: other.url,
            api_base: `${other.url}/v1`,
            baseURL: other.url,
            endpoint: other.url,
            api_key: "sk-client",
            provider: { base_url: other.url },
          },
          { "x-upstream-url": other.url, "x-base-url": other.url },
        );
        expect(res.status, model).toBe(200);
      }
      expect(other.requests).toHaveLength(0);
      const forwarded = up.requests.findLast((r) => r.path === "/v1/chat/completions")!.body as Record<string, unknown>;
      for (const field of ["base_url", "api_base", "baseURL", "endpoint", "api_key"])
        expect(forwarded).not.toHaveProperty(field);
    } finally {
      await other.close();
    }
  });
});
