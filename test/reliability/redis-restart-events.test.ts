// Issue 27: a Redis stopped and started again while requests, balance streams and cross-instance
// events flow. Nothing may reject unhandled (ioredis' re-subscribe and publishes while disconnected
// used to), events published during the outage reach the other instances once Redis is back, and
// this instance hears them again and reloads what it may have missed.
// The "other instance" is a plain Redis client on the bus channel; the Redis is one of its own.
// This instance reaches Redis through a gate the test opens only once the other instance has
// subscribed again after the restart, so "held events reach the others" does not depend on which
// of the two reconnects first.
import net from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as balanceStream from "@/app/api/user/balance/stream/route";
import { resetConfig } from "@/lib/config";
import { publish, subscribe } from "@/lib/events/bus";
import { closeRedis, getRedis, getRedisSubscriber } from "@/lib/redis/client";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, startApp } from "../helpers/app";
import { seedProviders, userWithKey } from "../helpers/gateway";
import { postCompletion } from "../helpers/money";
import { startRedisServer } from "../helpers/services";

const redis = await startRedisServer();

/** A TCP relay to Redis that refuses new connections while closed (existing ones end with Redis). */
async function startGate(port: number) {
  const sockets = new Set<net.Socket>();
  const gate = { open: true, url: "", close: () => new Promise<void>((r) => server.close(() => r())) };
  const server = net.createServer((client) => {
    if (!gate.open) return void client.destroy();
    const upstream = net.connect(port, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => (sockets.delete(s), client.destroy(), upstream.destroy()));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  gate.url = `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const close = gate.close;
  gate.close = () => (sockets.forEach((s) => s.destroy()), close());
  return gate;
}
const gate = await startGate(redis.port);
process.env.REDIS_URL = gate.url;
resetConfig();
await closeRedis();
const up = await startFakeUpstream();
const channel = `${process.env.REDIS_KEY_PREFIX}events`;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on("unhandledRejection", onUnhandled);

// The other instance: hears the channel and publishes on it (ioredis' defaults: it queues while away).
const otherSub = new Redis(redis.url, { retryStrategy: () => 100 });
const otherPub = new Redis(redis.url, { retryStrategy: () => 100 });
otherSub.on("error", () => {});
otherPub.on("error", () => {});
const heardByOther: Array<{ topic: string; payload: unknown }> = [];
await otherSub.subscribe(channel);
otherSub.on("message", (_c, raw: string) => heardByOther.push(JSON.parse(raw)));
const fromOther = (topic: string, payload: unknown) =>
  otherPub.publish(channel, JSON.stringify({ from: "other-instance", topic, payload }));

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  otherSub.disconnect();
  otherPub.disconnect();
  await up.close();
  await closeRedis();
  await gate.close();
  await redis.stop();
});

/** Reads an SSE response in the background, keeping each `data:` line parsed. */
function readEvents(res: Response) {
  const events: unknown[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const done = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split("\n").find((l) => l.startsWith("data: "));
        if (data) events.push(JSON.parse(data.slice(6)));
      }
    }
  })();
  return { events, done };
}

describe("Redis stopped and started again under traffic", () => {
  it("rejects nothing unhandled, holds what was published meanwhile, resubscribes and reloads", {
    timeout: 120_000,
  }, async () => {
    const heardHere: unknown[] = [];
    const unsubscribe = subscribe("test-topic", (p) => heardHere.push(p));
    await expect.poll(() => getRedisSubscriber()?.status, { timeout: 20_000 }).toBe("ready");

    // Both ways work before the outage.
    await expect
      .poll(async () => (await fromOther("test-topic", { n: 1 }), heardHere), { timeout: 20_000, interval: 100 })
      .toContainEqual({ n: 1 });
    publish("catalog", { n: 1 });
    await expect.poll(() => heardByOther.some((m) => m.topic === "catalog"), { timeout: 20_000 }).toBe(true);

    const { user, key } = await userWithKey({ limits: { balance: 50_000_000n } });
    const ac = new AbortController();
    const stream = readEvents(await call(balanceStream.GET, { bearer: key, signal: ac.signal }));
    await expect.poll(() => stream.events.length, { timeout: 20_000 }).toBeGreaterThan(0);

    // Traffic that keeps going through the outage: requests (money limits in the database) and publishes.
    let running = true;
    const statuses: number[] = [];
    const traffic = (async () => {
      while (running) {
        const res = await postCompletion(key, {
          model: "compat-fake",
          messages: [{ role: "user", content: "hi" }],
          max_tokens: 5,
        });
        statuses.push(res.status);
        await res.body?.cancel();
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // Balance events on their own beat, so a slow request (a loaded machine) does not hold them back.
    const publishing = (async () => {
      while (running) {
        publish(`balance:${user.id}`, {});
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    gate.open = false;
    await redis.stop();
    await expect.poll(() => getRedis()?.status, { timeout: 20_000, interval: 10 }).not.toBe("ready");
    await expect.poll(() => getRedisSubscriber()?.status, { timeout: 20_000, interval: 10 }).not.toBe("ready");
    heardByOther.length = 0;
    const countedBefore = stream.events.length;
    publish("catalog", { during: "outage" }); // held until Redis is back
    await new Promise((r) => setTimeout(r, 1_500)); // ioredis retries (and used to re-subscribe) meanwhile
    // Live updates inside this instance do not need Redis.
    await expect.poll(() => stream.events.length, { timeout: 20_000 }).toBeGreaterThan(countedBefore);

    heardHere.length = 0;
    await redis.start();
    // The other instance is back and listening before this one may reconnect.
    await expect
      .poll(async () => (await otherPub.pubsub("NUMSUB", channel).catch(() => [channel, 0]))[1], {
        timeout: 20_000,
        interval: 100,
      })
      .toBe(1);
    gate.open = true;
    // What was published during the outage reaches the other instance…
    await expect
      .poll(() => heardByOther.find((m) => m.topic === "catalog")?.payload, { timeout: 20_000 })
      .toEqual({ during: "outage" });
    // …this instance reloads what it may have missed, and hears the others again.
    await expect.poll(() => heardHere, { timeout: 20_000 }).toContainEqual({ full: true, resync: true });
    await expect
      .poll(async () => (await fromOther("test-topic", { n: 2 }), heardHere), { timeout: 20_000, interval: 200 })
      .toContainEqual({ n: 2 });
    const afterRestart = stream.events.length;
    await fromOther(`balance:${user.id}`, {});
    await expect.poll(() => stream.events.length, { timeout: 20_000 }).toBeGreaterThan(afterRestart);

    running = false;
    await Promise.all([traffic, publishing]);
    ac.abort();
    await stream.done;
    unsubscribe();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]); // no rate limit on this key: Redis is not on its path
    expect(unhandled).toEqual([]);
  });
});
