import "server-only";
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { config } from "@/lib/config";
import { logger } from "@/lib/logging/logger";
import { getRedis, getRedisSubscriber } from "@/lib/redis/client";

// Live updates between the parts of one instance and, with Redis, across instances.
// Topics: "keys" (API key / user auth changes), "catalog", "settings", "limits", "balance:<userId>",
// "session:<id>", "metrics". Under REDIS_KEY_PREFIX, so deployments (and test runs) sharing one
// Redis do not hear each other.
//
// Redis outages: what an instance publishes while its connection is down is kept (the latest
// payload per topic) and sent once it is back; and an instance whose subscription was down (or not
// live yet) may have missed others' messages, so each time it subscribes it fires every topic it
// listens to locally with `{ full: true, resync: true }`: caches reload, leases close, live streams
// re-send.
const channel = () => `${config().REDIS_KEY_PREFIX}events`;
type Envelope = { from: string; topic: string; payload: unknown };

/** Topics held while the publishing connection is down; beyond this many, the oldest are dropped. */
const MAX_HELD_TOPICS = 1_000;

type BusState = {
  emitter: EventEmitter;
  instanceId: string;
  /** The subscriber connection the bus is attached to (a new one after closeRedis gets attached too). */
  subscriber?: Redis | null;
  held: Map<string, unknown>;
  publisherDown: boolean;
  /** The publishing connection has been ready once: held events after that mean an outage. */
  publisherWasReady: boolean;
  flushAttached?: Redis;
  /** PUBLISH commands sent and not answered yet. */
  sending: Set<Promise<unknown>>;
};

const globalForBus = globalThis as unknown as { tollgateBusState?: BusState };

// On globalThis: every copy of this module in the process is one bus and one sender.
function bus(): BusState {
  if (!globalForBus.tollgateBusState) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    globalForBus.tollgateBusState = {
      emitter,
      instanceId: randomUUID(),
      held: new Map(),
      publisherDown: false,
      publisherWasReady: false,
      sending: new Set(),
    };
  }
  return globalForBus.tollgateBusState;
}

function ensureSubscribed(): void {
  const state = bus();
  const sub = getRedisSubscriber();
  if (state.subscriber === sub) return;
  state.subscriber = sub;
  if (!sub) return;
  let subscribedBefore = false;
  // On every "ready" (the first connect and each reconnect): the connection takes commands then.
  const subscribeNow = () => {
    sub.subscribe(channel()).then(
      () => {
        // Also the first time: a cache filled before the subscription was live (start-up loads the
        // catalog while the connection is still coming up; Redis may have been down at start) may
        // have missed a change another instance announced meanwhile.
        resyncLocally(subscribedBefore);
        subscribedBefore = true;
      },
      (err: Error) =>
        logger.warn({ err: err.message }, "event bus subscribe failed; retrying when redis is ready again"),
    );
  };
  if (sub.status === "ready") subscribeNow();
  sub.on("ready", subscribeNow);
  sub.on("message", (_channel: string, raw: string) => {
    try {
      const msg = JSON.parse(raw) as Envelope;
      if (msg.from !== state.instanceId) state.emitter.emit(msg.topic, msg.payload);
    } catch {
      logger.warn("event bus: ignored a malformed message");
    }
  });
}

/** Messages from other instances may have been missed: every local listener reloads what it caches. */
function resyncLocally(afterOutage: boolean): void {
  const { emitter } = bus();
  const topics = emitter.eventNames().filter((t): t is string => typeof t === "string");
  if (afterOutage)
    logger.info({ topics: topics.length }, "event bus subscribed again after a redis outage; reloading cached state");
  for (const topic of topics) emitter.emit(topic, { full: true, resync: true });
}

function attachFlush(redis: Redis): void {
  const state = bus();
  if (state.flushAttached === redis) return;
  state.flushAttached = redis;
  if (redis.status === "ready") state.publisherWasReady = true;
  redis.on("ready", () => {
    const outage = state.publisherWasReady;
    state.publisherWasReady = true;
    if (state.held.size === 0) return;
    const held = [...state.held];
    state.held.clear();
    // At start-up, events published before the first connect are sent without a word.
    if (outage) logger.info({ topics: held.length }, "event bus: sending what was published while redis was away");
    for (const [topic, payload] of held) sendToRedis(redis, topic, payload);
  });
}

function hold(topic: string, payload: unknown): void {
  const state = bus();
  const before = state.held.get(topic) as { full?: boolean } | undefined;
  state.held.delete(topic); // re-inserted last: the Map's order is the age order
  // A full reload asked for earlier is not downgraded by a narrower change after it.
  state.held.set(topic, before?.full && typeof payload === "object" && payload ? { ...payload, full: true } : payload);
  if (state.held.size > MAX_HELD_TOPICS) state.held.delete(state.held.keys().next().value!);
  if (!state.publisherDown) {
    state.publisherDown = true;
    // Before the first connect (start-up) this is no outage: nothing to warn about.
    if (state.publisherWasReady)
      logger.warn({ topic }, "event bus: redis is away; holding published events until it is back");
  }
}

function sendToRedis(redis: Redis, topic: string, payload: unknown): void {
  if (redis.status !== "ready") return hold(topic, payload);
  const state = bus();
  state.publisherDown = false;
  const sent = redis
    .publish(channel(), JSON.stringify({ from: state.instanceId, topic, payload } satisfies Envelope))
    .catch(() => hold(topic, payload))
    .finally(() => state.sending.delete(sent));
  state.sending.add(sent);
}

/**
 * Before a short-lived process (the CLI) closes its Redis connection: what it published must reach
 * the other instances, or a key it revoked stays valid in their caches. Waits up to `timeoutMs` for
 * the connection to come up, the held events to go out and every PUBLISH to be answered.
 */
export async function sendPublishedEvents(timeoutMs = 5_000): Promise<boolean> {
  const state = bus();
  const redis = state.flushAttached;
  if (!redis) return true;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (state.held.size > 0 || state.sending.size > 0)) {
    if (state.sending.size > 0) await Promise.race([Promise.all(state.sending), sleep(deadline - Date.now())]);
    // Held events go out on the connection's next "ready" (attachFlush); wait for it a little at a time.
    else await sleep(Math.min(50, deadline - Date.now()));
  }
  const sent = state.held.size === 0 && state.sending.size === 0;
  if (!sent) logger.warn({ topics: state.held.size }, "event bus: redis did not take the published events in time");
  return sent;
}

export function publish(topic: string, payload: unknown = {}): void {
  bus().emitter.emit(topic, payload);
  const redis = getRedis();
  if (!redis) return;
  attachFlush(redis);
  sendToRedis(redis, topic, payload);
}

/** Subscribes to a topic; returns the unsubscribe function. */
export function subscribe(topic: string, listener: (payload: unknown) => void): () => void {
  ensureSubscribed();
  const { emitter } = bus();
  emitter.on(topic, listener);
  return () => emitter.off(topic, listener);
}
