// Item 23: Redis stops under load. Rate limits fail closed (503, the upstream hears nothing) unless
// the documented rateLimitFailOpen setting says otherwise; money limits live in the database, so
// they keep being enforced — nothing is served unchecked. When Redis comes back on the same
// address, Tollgate recovers by itself: no restart, rate limits count again.
// Uses a redis-server of its own on a free port (the shared one on 6379 is never stopped).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { closeRedis, getRedis } from "@/lib/redis/client";
import { setSetting } from "@/lib/settings";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { seedProviders, userWithKey } from "../helpers/gateway";
import { inFlight, NOTHING_IN_FLIGHT, postCompletion } from "../helpers/money";
import { startRedisServer } from "../helpers/services";

const redis = await startRedisServer();
process.env.REDIS_URL = redis.url;
resetConfig();
await closeRedis(); // in case a connection was opened before the URL was set
const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
afterAll(async () => {
  await up.close();
  await closeRedis();
  await redis.stop();
});

const ask = (key: string, who = "someone") =>
  postCompletion(key, {
    model: "compat-fake",
    messages: [{ role: "user", content: `hi from ${who}` }],
    max_tokens: 10,
  });

type Callers = Awaited<ReturnType<typeof callers>>;
async function callers() {
  return {
    rateLimited: await userWithKey({ limits: { rpm: 10_000 } }),
    prepaid: await userWithKey({ limits: { balance: 10_000_000n } }),
    broke: await userWithKey({ limits: { balance: 0n } }),
  };
}

/**
 * Keeps `workers` loops asking for each caller until stopped. Every answer is kept with the time its
 * request was sent and the tag its message carried (`hi from <who> #<n>`), so a request sent after
 * Redis was gone can be told from one that passed its limit before and merely answered late.
 */
function load(c: Callers, workers = 6) {
  const answers: Array<{ who: keyof Callers; tag: string; sentAt: number; status: number; message?: string }> = [];
  let running = true;
  let sent = 0;
  const loops = Array.from({ length: workers }, async (_, w) => {
    const who = (["rateLimited", "prepaid", "broke"] as const)[w % 3];
    while (running) {
      const tag = `${who} #${++sent}`;
      const sentAt = Date.now();
      const res = await ask(c[who].key, tag);
      const body = await res.json();
      answers.push({ who, tag, sentAt, status: res.status, message: body.error?.message });
      // A refusal can be settled in microtasks alone: yield, or the timers of the test never run.
      await new Promise((r) => setTimeout(r, 5));
    }
  });
  return {
    answers,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe("Redis stopped during load", () => {
  it("rate-limited keys get 503 (never 500, never served), money limits still hold, and it recovers when Redis returns", {
    timeout: 60_000,
  }, async () => {
    const c = await callers();
    expect((await ask(c.rateLimited.key)).status).toBe(200);
    const traffic = load(c);
    await new Promise((r) => setTimeout(r, 500));
    await redis.stop();
    // From the moment the gateway's connection has seen Redis go. Before that, a request may still be
    // admitted from a rate-limit lease: its unit was counted in Redis when the lease was taken.
    await expect.poll(() => getRedis()?.status, { timeout: 5_000, interval: 1 }).not.toBe("ready");
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, 1_500));

    // Down: every request sent after the Redis process had exited got one of the expected answers.
    const down = traffic.answers.filter((a) => a.sentAt > downAt);
    expect(down.filter((a) => a.who === "rateLimited").length).toBeGreaterThan(0);
    for (const a of down) {
      if (a.who === "rateLimited")
        expect(a).toMatchObject({
          status: 503,
          message: expect.stringMatching(/Rate limiting is temporarily unavailable/),
        });
      if (a.who === "prepaid") expect(a.status).toBe(200); // no rate limit: Redis is not on its path
      if (a.who === "broke") expect(a.status).toBe(402); // money limits are in the database: still enforced
    }
    // The upstream heard none of the rate-limited requests sent while Redis was down, and did hear the others.
    const heard = up.requests.map((r) => JSON.stringify(r.body));
    const heardOf = (who: keyof Callers) =>
      down.filter((a) => a.who === who && heard.some((b) => b.includes(`hi from ${a.tag}"`)));
    expect(heardOf("prepaid").length).toBeGreaterThan(0);
    expect(heardOf("rateLimited").map((a) => a.tag)).toEqual([]);

    // Back on the same port: the same process recovers on its own.
    await redis.start();
    const backAt = Date.now();
    await expect.poll(async () => (await ask(c.rateLimited.key)).status, { timeout: 10_000, interval: 200 }).toBe(200);
    const recoveryMs = Date.now() - backAt;
    await traffic.stop();
    expect(
      traffic.answers.every((a) => [200, 402, 503].includes(a.status)),
      JSON.stringify(traffic.answers.filter((a) => ![200, 402, 503].includes(a.status)).slice(0, 3)),
    ).toBe(true);
    expect(recoveryMs).toBeLessThan(10_000);

    // …and the limits count again (the limiter's scripts are reloaded into the fresh Redis).
    const { key } = await userWithKey({ limits: { rpm: 2 } });
    expect([(await ask(key)).status, (await ask(key)).status, (await ask(key)).status]).toEqual([200, 200, 429]);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
  });

  it("the documented rateLimitFailOpen setting lets rate limits (only) fail open", async () => {
    await redis.stop();
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
      await redis.start();
    }
  });
});
