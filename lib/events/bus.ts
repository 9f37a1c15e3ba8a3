import "server-only";
import { EventEmitter } from "node:events";
import { randomUUID } from "node:crypto";
import { getRedis, getRedisSubscriber } from "@/lib/redis/client";
import { logger } from "@/lib/logging/logger";
import { config } from "@/lib/config";

// Live updates between the parts of one instance and, with Redis, across instances.
// Topics: "keys" (API key / user auth changes), "balance:<userId>", "session:<id>", "metrics".
// Under REDIS_KEY_PREFIX, so deployments (and test runs) sharing one Redis do not hear each other.
const channel = () => `${config().REDIS_KEY_PREFIX}events`;
type Envelope = { from: string; topic: string; payload: unknown };

const globalForBus = globalThis as unknown as { tollgateBus?: EventEmitter; tollgateBusSubscribed?: boolean; tollgateBusInstance?: string };
// On globalThis like the emitter: every copy of this module in the process is one sender.
const instanceId = (globalForBus.tollgateBusInstance ??= randomUUID());

function emitter(): EventEmitter {
  if (!globalForBus.tollgateBus) {
    globalForBus.tollgateBus = new EventEmitter();
    globalForBus.tollgateBus.setMaxListeners(0);
  }
  return globalForBus.tollgateBus;
}

function ensureSubscribed(): void {
  if (globalForBus.tollgateBusSubscribed) return;
  const sub = getRedisSubscriber();
  globalForBus.tollgateBusSubscribed = true;
  if (!sub) return;
  // The connection refuses commands until it is ready (no offline queue); ioredis re-subscribes by
  // itself after a reconnect once the first SUBSCRIBE went through.
  const subscribeNow = () => sub.subscribe(channel()).catch((err) => logger.warn({ err: err.message }, "event bus subscribe failed"));
  if (sub.status === "ready") subscribeNow();
  else sub.once("ready", subscribeNow);
  sub.on("message", (_channel: string, raw: string) => {
    try {
      const msg = JSON.parse(raw) as Envelope;
      if (msg.from !== instanceId) emitter().emit(msg.topic, msg.payload);
    } catch {
      logger.warn("event bus: ignored a malformed message");
    }
  });
}

export function publish(topic: string, payload: unknown = {}): void {
  emitter().emit(topic, payload);
  const redis = getRedis();
  if (redis) {
    redis
      .publish(channel(), JSON.stringify({ from: instanceId, topic, payload } satisfies Envelope))
      .catch((err) => logger.warn({ err: err.message, topic }, "event bus publish failed"));
  }
}

/** Subscribes to a topic; returns the unsubscribe function. */
export function subscribe(topic: string, listener: (payload: unknown) => void): () => void {
  ensureSubscribed();
  emitter().on(topic, listener);
  return () => emitter().off(topic, listener);
}
