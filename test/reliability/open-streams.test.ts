// Issue 26, item 4: many streams open at once against one upstream. Each open stream holds its own
// upstream connection for as long as it lasts (HTTP/1.1 carries one request at a time), so every one
// of them must reach the upstream at once rather than wait for another to end; clients that then
// leave are each billed for the one chunk they received, and nothing is left open or reserved.
// The figures (10,000 streams, memory, event-loop delay) are a benchmark: `npm run bench:streams`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModel } from "@/lib/providers/admin";
import { openStreams } from "@/lib/shutdown";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { seedProviders, userWithKey } from "../helpers/gateway";
import { expectEachBilledItsChunk, openUntilFirstToken } from "../helpers/held-streams";
import { inFlight, NOTHING_IN_FLIGHT, walletOf } from "../helpers/money";

/** More than the 256 connections per upstream the gateway's pool used to allow. */
const STREAMS = 270;
const BALANCE = 1_000_000_000n;
const UPSTREAM_ID = "fake-model:chunks=3:idle=60000"; // the first token at once, then a minute's wait
const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  const providers = await seedProviders(up);
  await createModel({
    publicId: "held",
    providerId: providers.compat,
    upstreamId: UPSTREAM_ID,
    inputPrice: "1",
    outputPrice: "2",
  });
});
afterAll(() => up.close());

describe(`${STREAMS} streams open at once against one upstream`, () => {
  it("all reach the upstream together; each client that leaves is billed its one chunk and frees everything", async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: BALANCE } });
    let first = 0;
    const opening = Array.from({ length: STREAMS }, (_, i) =>
      openUntilFirstToken(key, "held", "open", i).then((s) => {
        first++;
        return s;
      }),
    );
    for (const o of opening) o.catch(() => {}); // a failure is reported by Promise.all below

    // Every stream has its first token while none has ended: no stream waits for another's connection.
    // (In-process on the embedded database, the streams advance together: the first tokens come late.)
    await expect.poll(() => first, { timeout: 90_000, interval: 200 }).toBe(STREAMS);
    const calls = up.requests.filter((r) => r.model === UPSTREAM_ID);
    expect(calls).toHaveLength(STREAMS);
    expect(calls.filter((r) => r.finishedAt === undefined)).toHaveLength(STREAMS);
    expect(openStreams()).toBe(STREAMS);

    const streams = await Promise.all(opening);
    await Promise.all(streams.map((s) => s.leave()));

    // Each leaver's upstream call is closed and its stream released, not kept until its answer would end.
    await expect.poll(() => calls.filter((r) => r.aborted).length, { timeout: 5_000 }).toBe(STREAMS);
    expect(openStreams()).toBe(0);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);

    const charged = await expectEachBilledItsChunk(streams, "open");
    expect((await walletOf(keyId)).balance).toBe(BALANCE - charged);
  }, 180_000);
});
