import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { gatewayFetch, seedProviders, userWithKey } from "../helpers/gateway";
import { setSetting } from "@/lib/settings";

// Redis that cannot be reached: nothing listens on port 1.
process.env.REDIS_URL = "redis://127.0.0.1:1";
const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
afterAll(() => up.close());

function ask(key: string) {
  return gatewayFetch("http://tollgate.test/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: "compat-fake", messages: [{ role: "user", content: "hi" }] }),
  });
}

describe("when the rate-limit store is down", () => {
  it("rate-limited keys are refused with 503 (fail closed) and never reach the upstream", async () => {
    const { key } = await userWithKey({ limits: { rpm: 100 } });
    const before = up.requests.length;
    const res = await ask(key);
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toMatch(/Rate limiting is temporarily unavailable/);
    expect(up.requests.length).toBe(before);
  });

  it("keys without a rate limit are unaffected", async () => {
    const { key } = await userWithKey();
    expect((await ask(key)).status).toBe(200);
  });

  it("the documented rateLimitFailOpen setting lets rate limits (only) fail open", async () => {
    await setSetting("rateLimitFailOpen", true);
    try {
      const { key } = await userWithKey({ limits: { rpm: 100, balance: 0n } });
      const res = await ask(key);
      // the rate limit is skipped, but the money limit still blocks
      expect(res.status).toBe(402);
      const { key: funded } = await userWithKey({ limits: { rpm: 100 } });
      expect((await ask(funded)).status).toBe(200);
    } finally {
      await setSetting("rateLimitFailOpen", false);
    }
  });
});
