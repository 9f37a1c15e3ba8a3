import "server-only";
import { getDb } from "@/lib/db/client";
import { publish } from "@/lib/events/bus";
import { logger } from "@/lib/logging/logger";
import { releaseReservation, settleRequest, type RequestOutcome } from "./settle";
import type { Reservation } from "./reserve";

// Settlement runs off the response's critical path: outcomes are queued and written in order
// (so a conversation's turns find their session), retried while the database is away, and
// drained on shutdown. The reservation made before the call keeps the money safe meanwhile.

type Job = { kind: "settle"; outcome: RequestOutcome } | { kind: "release"; reservation: Reservation; status: "ERROR" | "ABORTED"; error: string; model: string; latencyMs: number; attempts: number };

const globalForRecorder = globalThis as unknown as { tollgateQueue?: Job[]; tollgateFlushing?: Promise<void> | null; tollgateIdle?: Array<() => void> };

function queue(): Job[] {
  globalForRecorder.tollgateQueue ??= [];
  return globalForRecorder.tollgateQueue;
}

export function recordOutcome(outcome: RequestOutcome): void {
  queue().push({ kind: "settle", outcome });
  scheduleFlush();
}

/** A request that failed before producing anything: release its reservation, record why. */
export function recordFailure(job: Omit<Extract<Job, { kind: "release" }>, "kind">): void {
  queue().push({ kind: "release", ...job });
  scheduleFlush();
}

function scheduleFlush(): void {
  if (globalForRecorder.tollgateFlushing) return;
  globalForRecorder.tollgateFlushing = drain().finally(() => {
    globalForRecorder.tollgateFlushing = null;
    if (queue().length) scheduleFlush();
    else for (const resolve of globalForRecorder.tollgateIdle?.splice(0) ?? []) resolve();
  });
}

async function drain(): Promise<void> {
  const q = queue();
  let backoff = 100;
  while (q.length) {
    const job = q[0];
    try {
      await write(job);
      q.shift();
      backoff = 100;
      const userId = job.kind === "settle" ? job.outcome.principal.userId : null;
      if (userId) publish(`balance:${userId}`, { reason: "usage" });
    } catch (err) {
      logger.error({ err: err instanceof Error ? err.message : String(err), pending: q.length }, "writing a request record failed; retrying");
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 5_000);
    }
  }
}

async function write(job: Job): Promise<void> {
  const db = await getDb();
  await db.$transaction(
    async (tx) => {
      if (job.kind === "settle") return settleRequest(tx, job.outcome);
      await releaseReservation(tx, job.reservation);
      await tx.request.update({
        where: { id: job.reservation.requestId },
        data: { status: job.status, error: job.error, model: job.model, latencyMs: job.latencyMs, attempts: job.attempts, settledAt: new Date() },
      });
    },
    { timeout: 15_000, maxWait: 15_000 },
  );
}

/** Resolves once every queued record is written (tests, shutdown). */
export function flushRecords(): Promise<void> {
  if (!globalForRecorder.tollgateFlushing && queue().length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    (globalForRecorder.tollgateIdle ??= []).push(resolve);
    if (!globalForRecorder.tollgateFlushing) scheduleFlush();
  });
}

export function pendingRecords(): number {
  return queue().length;
}
