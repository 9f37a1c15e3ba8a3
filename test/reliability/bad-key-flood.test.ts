// Item 28: a flood of (at least) 2,000 random, well-formed keys, 8 in flight at a time, beside valid
// requests. Each bad key is refused from the in-memory key index, which goes to the database at most
// once a second on misses (not once per bad key), and the bad keys write nothing. How much the flood
// slows valid keys is a speed figure, so it is measured by `npm run bench:flood` (target: p99 within
// 2×), not asserted here, where other test files share the machine.

import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyIndexLoads } from "@/lib/auth/api-keys";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { seedProviders, userWithKey } from "../helpers/gateway";
import { postCompletion } from "../helpers/money";

const BAD_KEYS = 2_000;
const ROUNDS = 4;
const VALID_PER_ROUND = 100;
/** Bad keys in flight at once: a flood bounded like a misbehaving client pool, not a CPU burner. */
const FLOOD_WIDTH = 8;
const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
afterAll(() => up.close());

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const randomKey = () => `tg-${Array.from(randomBytes(40), (b) => ALPHABET[b % 62]).join("")}`;
const body = { model: "compat-fake", messages: [{ role: "user", content: "hi" }], max_tokens: 5 };

/** Runs `total` jobs, `width` at a time. */
async function bounded(total: number, width: number, job: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < total; i = next++) await job(i);
    }),
  );
}

/** Latency of VALID_PER_ROUND requests with valid keys, 4 at a time. */
/** VALID_PER_ROUND requests with the valid keys, four at a time: each must be served. */
async function validRequests(keys: string[]): Promise<void> {
  await bounded(VALID_PER_ROUND, 4, async (i) => {
    const res = await postCompletion(keys[i % keys.length], body);
    await res.text();
    expect(res.status).toBe(200);
  });
}

describe("a flood of bad keys", () => {
  it("costs no database query per key and writes nothing, while valid keys keep being served", {
    timeout: 120_000,
  }, async () => {
    const valid = await Promise.all(Array.from({ length: 4 }, () => userWithKey()));
    const keys = valid.map((v) => v.key);
    await validRequests(keys); // warm up: key index, catalog, settings, connections
    const db = await getDb();
    await flushRecords(); // requests admitted against a budget lease have their row written at settlement
    const recordsBefore = await db.request.count();

    let refused = 0;
    let unexpected = 0;
    let sent = 0;
    let floodMs = 0;
    const loadsBefore = keyIndexLoads();
    for (let round = 0; round < ROUNDS; round++) {
      // Each phase starts with no records left to write, so neither pays for the other's settlement.
      await flushRecords();
      await validRequests(keys);
      await flushRecords();
      // The flood lasts as long as the valid requests do, and sends at least its share of bad keys.
      let validDone = false;
      let sentThisRound = 0;
      const floodStarted = performance.now();
      const flood = Promise.all(
        Array.from({ length: FLOOD_WIDTH }, async () => {
          while (!validDone || sentThisRound < BAD_KEYS / ROUNDS) {
            sentThisRound++;
            const res = await postCompletion(randomKey(), body);
            const json = await res.json();
            if (res.status === 401 && /Invalid API key/.test(json.error.message)) refused++;
            else unexpected++;
            // In-process a refusal needs no I/O at all; a socket would yield here, so yield too.
            await new Promise((r) => setImmediate(r));
          }
        }),
      );
      await validRequests(keys);
      validDone = true;
      await flood;
      floodMs += performance.now() - floodStarted;
      sent += sentThisRound;
    }
    const loads = keyIndexLoads() - loadsBefore;

    expect(unexpected).toBe(0);
    expect(refused).toBe(sent);
    expect(sent).toBeGreaterThanOrEqual(BAD_KEYS);
    // At most one refresh of the index per second of flood (plus one at each edge), never one per key.
    expect(loads).toBeLessThanOrEqual(Math.ceil(floodMs / 1000) + ROUNDS);
    expect(loads).toBeLessThan(sent / 100);
    // Only the valid requests left a record; the bad keys wrote nothing.
    await flushRecords();
    expect((await db.request.count()) - recordsBefore).toBe(ROUNDS * 2 * VALID_PER_ROUND);
  });
});
