// Rate-limit leases on Redis: an instance well under a limit takes a block of the window's units in
// one script call and admits the next requests against it in memory; near the limit it checks
// request by request; what it admits is always already counted in the window every instance reads.
// Uses a redis-server of its own, so it runs (and can be stopped) in both test runs.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setClockForTests } from "@/lib/clock";
import { config, resetConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { enforceRateLimits, type RateCheck } from "@/lib/ratelimit";
import { closeRedis, getRedis } from "@/lib/redis/client";
import { startApp } from "../helpers/app";
import { startRedisServer } from "../helpers/services";

const server = await startRedisServer();
process.env.REDIS_URL = server.url;
resetConfig();
await closeRedis(); // in case a connection was opened before the URL was set
const probe = new Redis(server.url);
// One test stops Redis on purpose: the probe's connection errors are expected, not news.
probe.on("error", () => {});

beforeAll(async () => {
  await startApp();
  await connected();
  await enforceRateLimits([rpm(10)]); // loads the script: NOSCRIPT then EVAL would count as two calls in the first test
});

/** Checks made while the connection is still being set up fail closed (503), as they should. */
async function connected(): Promise<void> {
  const redis = getRedis()!;
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
}
afterEach(() => setClockForTests(null));
afterAll(async () => {
  probe.disconnect();
  await closeRedis();
  await server.stop();
});

const MINUTE = 60_000;
/** One second into a window that has not begun yet, so no test runs across a window's end. */
function windowStart(): number {
  const start = (Math.floor(Date.now() / MINUTE) + 2) * MINUTE;
  setClockForTests(new Date(start + 1_000));
  return start / MINUTE;
}

const rpm = (max: number, id = randomUUID()): RateCheck => ({ kind: "rpm", scope: "key", id, max, cost: 1 });
const windowKey = (check: RateCheck, window: number) =>
  `${config().REDIS_KEY_PREFIX}rl:${check.kind}:${check.scope}:${check.id}:${window}`;
const counted = async (check: RateCheck, window: number) => Number((await probe.get(windowKey(check, window))) ?? 0);

async function scriptCalls(): Promise<number> {
  const stats = await probe.info("commandstats");
  return [...stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
}

/** Admitted → the remaining-units header; refused → "refused 429"/"refused 503". */
async function admit(...checks: RateCheck[]): Promise<string> {
  try {
    const headers = await enforceRateLimits(checks);
    return headers["x-ratelimit-remaining-requests"] ?? headers["x-ratelimit-remaining-tokens"];
  } catch (err) {
    if (err instanceof AppError) return `refused ${err.status}`;
    throw err;
  }
}

describe("rate-limit leases", () => {
  it("a key well under its limit takes a 32nd of it at once and is admitted in memory, with exact remaining counts", async () => {
    const window = windowStart();
    const check = rpm(3_200); // lease of 100 requests
    const before = await scriptCalls();
    const remaining: string[] = [];
    for (let i = 0; i < 150; i++) remaining.push(await admit(check));
    expect(remaining).toEqual(Array.from({ length: 150 }, (_, i) => String(3_200 - 1 - i)));
    expect((await scriptCalls()) - before).toBe(2); // requests 1 and 101
    expect(await counted(check, window)).toBe(200); // two leases, counted when taken
  });

  it("tokens per minute lease in tokens: a lease serves at least four requests", async () => {
    const window = windowStart();
    const check: RateCheck = { kind: "tpm", scope: "user", id: randomUUID(), max: 32_000, cost: 250 }; // lease 1,000 tokens
    const before = await scriptCalls();
    const remaining: string[] = [];
    for (let i = 0; i < 8; i++) remaining.push(await admit(check));
    expect(remaining).toEqual(Array.from({ length: 8 }, (_, i) => String(32_000 - 250 * (i + 1))));
    expect((await scriptCalls()) - before).toBe(2);
    expect(await counted(check, window)).toBe(2_000);
  });

  it("never admits past the limit when another instance uses the window, and checks request by request near it", async () => {
    const window = windowStart();
    const check = rpm(320); // lease of 10
    expect(await admit(check)).toBe("319");
    expect(await counted(check, window)).toBe(10);
    // Another instance takes 300 of the window.
    await probe.incrby(windowKey(check, window), 300);
    const before = await scriptCalls();
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) outcomes.push(await admit(check));
    const admitted = outcomes.filter((o) => !o.startsWith("refused")).length;
    expect(admitted).toBe(19); // the lease's 9 left, then the window's last 10 one by one
    expect(outcomes.slice(19)).toEqual(Array(21).fill("refused 429"));
    expect(await counted(check, window)).toBe(320);
    expect((await scriptCalls()) - before).toBe(10 + 21); // none for the lease's 9; one per request after
  });

  it("however its requests interleave, one instance admits exactly its limit: leased units are used, not lost or doubled", async () => {
    const window = windowStart();
    const check = rpm(3_200);
    const outcomes: string[] = [];
    for (let batch = 0; batch < 33; batch++)
      outcomes.push(...(await Promise.all(Array.from({ length: 100 }, () => admit(check)))));
    expect(outcomes.filter((o) => !o.startsWith("refused"))).toHaveLength(3_200);
    expect(outcomes.filter((o) => o === "refused 429")).toHaveLength(100);
    expect(await counted(check, window)).toBe(3_200);
  });

  it("the unused part of a lease is given back when the next window begins", async () => {
    const window = windowStart();
    const check = rpm(3_200);
    expect(await admit(check)).toBe("3199");
    expect(await counted(check, window)).toBe(100);
    setClockForTests(new Date((window + 1) * MINUTE + 1_000));
    expect(await admit(check)).toBe("3199"); // the previous window's 1 request weighs 59/60 of 1: rounds to 0
    expect(await counted(check, window)).toBe(1);
    expect(await counted(check, window + 1)).toBe(100);
  });

  it("a changed limit ends the lease: its units are given back and the new limit holds at once", async () => {
    const window = windowStart();
    const check = rpm(3_200);
    await admit(check);
    const lowered = { ...check, max: 2 };
    expect([await admit(lowered), await admit(lowered), await admit(lowered)]).toEqual([
      "0",
      "refused 429",
      "refused 429",
    ]);
    expect(await counted(check, window)).toBe(2);
  });

  it("no request is admitted from a lease once the connection to Redis is lost: 503, and counting resumes when Redis is back", async () => {
    windowStart();
    const check = rpm(3_200);
    expect(await admit(check)).toBe("3199");
    await server.stop();
    try {
      await expect.poll(() => getRedis()!.status, { timeout: 5_000 }).not.toBe("ready");
      expect(await admit(check)).toBe("refused 503");
      expect(await admit(check)).toBe("refused 503");
    } finally {
      await server.start();
    }
    await connected();
    // Redis restarted empty: the old lease is gone with it, and a new one is taken.
    expect(await admit(check)).toBe("3199");
    // The app's subscriber connection subscribes again on reconnecting; closing it midway (afterAll)
    // would leave that subscribe's promise rejected with no one to catch it.
    await expect
      .poll(async () => /name=tollgate-sub .*\b(?:p?sub)=[1-9]/.test(String(await probe.client("LIST"))), {
        timeout: 10_000,
      })
      .toBe(true);
  });
});
