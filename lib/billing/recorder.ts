import "server-only";
import { config } from "@/lib/config";
import { transactionRows } from "@/lib/db/client";
import { isDriverRecordError } from "@/lib/db/errors";
import { publish } from "@/lib/events/bus";
import { logger } from "@/lib/logging/logger";
import { observeRequestOutcome } from "@/lib/metrics/prometheus";
import { backlogShrank, setRecordBacklogProbe } from "./backlog";
import { closeLeasesNow, drainLeases, leaseSettled, resumeLeases, returnToLease, suspendLeases } from "./lease";
import type { Reservation } from "./reservation";
import { type RequestOutcome, settleBatch } from "./settle";

// Settlement runs off the response's critical path. Outcomes are queued in lanes by user — one
// user's records are written in order (so a conversation's turns find their session), different
// users' in parallel — and each lane writes its queue in batches, one transaction per batch.
// While the database is away a lane retries with backoff; the reservation made before the call
// keeps the money safe meanwhile. Queues are drained on shutdown.

type Job =
  | { kind: "settle"; userId: string; outcome: RequestOutcome }
  | {
      kind: "release";
      userId: string;
      provider: string;
      reservation: Reservation;
      status: "ERROR" | "ABORTED";
      error: string;
      model: string;
      latencyMs: number;
      attempts: number;
    };

type Lane = { queue: Job[]; running: Promise<void> | null; wake: (() => void) | null };

/** A batch lingers until this many are queued; a longer queue is written up to MAX_BATCH at a time. */
const BATCH = 32;
/**
 * One user's records go through one lane in order, so its batches must keep up with that user's
 * requests: a batch's statements cost far less per record when larger, and at 1,100 requests/s from
 * one key, batches of 32 fell behind (the queue, and memory, grew by ~12 MB/min in a soak).
 */
const MAX_BATCH = 256;
/**
 * A lane waits this long before writing a batch that is not full, so requests finishing meanwhile
 * share its transaction: a batch costs about ten statements whatever its size, and at low load
 * every request used to pay them alone (most of the CPU a request cost at one connection). 25 ms
 * lets one client's sequential requests (~1,000/s at one connection) nearly fill a batch: against
 * 10 ms, CPU per request fell by 6–18 % there (bench --baseline, 2026-12-06). A record is written
 * at most that much later; reservations hold the money meanwhile, and flushRecords() and shutdown
 * cut the wait short.
 */
const LINGER_MS = 25;
const globalForRecorder = globalThis as unknown as { tollgateLanes?: Lane[]; tollgateIdle?: Array<() => void> };

function lanes(): Lane[] {
  if (!globalForRecorder.tollgateLanes) {
    // PGlite has a single connection: one lane. PostgreSQL: a few, within the pool.
    const count = config().DATABASE_URL ? 4 : 1;
    globalForRecorder.tollgateLanes = Array.from({ length: count }, () => ({ queue: [], running: null, wake: null }));
    setRecordBacklogProbe(pendingRecords);
  }
  return globalForRecorder.tollgateLanes;
}

function laneFor(userId: string): Lane {
  const all = lanes();
  // Any stable spread will do (one user, one lane): a few steps over the id, not a SHA-1 per request.
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (Math.imul(h, 31) + userId.charCodeAt(i)) | 0;
  return all[(h >>> 0) % all.length];
}

function enqueue(job: Job): void {
  const lane = laneFor(job.userId);
  lane.queue.push(job);
  if (!lane.running) lane.running = drain(lane);
  else if (lane.queue.length === BATCH) lane.wake?.(); // a full batch lingers no longer
}

export function recordOutcome(outcome: RequestOutcome): void {
  // One structured line per request; the key appears only as its visible prefix.
  logger.info(
    {
      requestId: outcome.reservation.requestId,
      keyPrefix: outcome.principal.key?.prefix ?? null,
      userId: outcome.principal.userId,
      source: outcome.principal.source,
      model: outcome.model,
      provider: outcome.providerName,
      status: outcome.status,
      latencyMs: outcome.latencyMs,
      ttftMs: outcome.ttftMs,
      promptTokens: outcome.usage.promptTokens,
      completionTokens: outcome.usage.completionTokens,
      cost: outcome.cost.toString(),
    },
    "request",
  );
  observeRequestOutcome({
    model: outcome.model,
    provider: outcome.providerName ?? "",
    status: outcome.status,
    latencyMs: outcome.latencyMs,
    ttftMs: outcome.ttftMs,
    promptTokens: outcome.usage.promptTokens,
    completionTokens: outcome.usage.completionTokens,
    costMicros: outcome.cost,
  });
  const { reservation } = outcome;
  if (reservation.lease)
    returnToLease(
      reservation.lease,
      reservation,
      outcome.cost,
      BigInt(outcome.usage.promptTokens + outcome.usage.completionTokens),
    );
  enqueue({ kind: "settle", userId: outcome.principal.userId, outcome });
}

/** A request that failed before producing anything: release its reservation, record why. */
export function recordFailure(job: Omit<Extract<Job, { kind: "release" }>, "kind">): void {
  observeRequestOutcome({
    model: job.model,
    provider: job.provider,
    status: job.status,
    latencyMs: job.latencyMs,
    ttftMs: null,
    promptTokens: 0,
    completionTokens: 0,
    costMicros: 0n,
  });
  if (job.reservation.lease) returnToLease(job.reservation.lease, job.reservation, 0n, 0n);
  enqueue({ kind: "release", ...job });
}

async function drain(lane: Lane): Promise<void> {
  let backoff = 100;
  while (lane.queue.length) {
    if (lane.queue.length < BATCH && !globalForRecorder.tollgateIdle?.length) await linger(lane);
    const batch = lane.queue.slice(0, MAX_BATCH);
    try {
      await prepare(batch);
      await writeBatch(batch);
      lane.queue.splice(0, batch.length);
      backlogShrank();
      backoff = 100;
      resumeLeases();
      settled(batch);
      notify(batch);
    } catch (err) {
      if (batch.length > 1 && !isConnectionProblem(err)) {
        // One bad record must not hold the others back: write them one by one.
        await writeOneByOne(lane, batch);
        continue;
      }
      suspendLeases();
      logger.error({ err: message(err), pending: lane.queue.length }, "writing request records failed; retrying");
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 5_000);
    }
  }
  lane.running = null;
  if (lanes().every((l) => !l.running && l.queue.length === 0))
    for (const resolve of globalForRecorder.tollgateIdle?.splice(0) ?? []) resolve();
}

function linger(lane: Lane): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, LINGER_MS);
    function done() {
      clearTimeout(timer);
      lane.wake = null;
      resolve();
    }
    lane.wake = done;
  });
}

/** How long building a batch's deferred parts may hold the event loop before it lets others run. */
const PREPARE_SLICE_MS = 2;

/**
 * Builds what each record computes late — the prompt's JSON of a request admitted against a lease,
 * the session keys (a hash of the whole conversation; a large one's taken on the threadpool, all of
 * the batch's at once) — before the batch's transaction, letting the event loop run between
 * requests: a batch of large prompts built in one go held it for tens of milliseconds.
 */
async function prepare(batch: Job[]): Promise<void> {
  let since = performance.now();
  const pause = async () => {
    if (performance.now() - since <= PREPARE_SLICE_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    since = performance.now();
  };
  const keys: Array<Promise<unknown>> = [];
  for (const job of batch) {
    reservationOf(job).pending.prompt();
    await pause();
    if (job.kind === "settle" && job.outcome.sessionKey) keys.push(job.outcome.sessionKey());
    await pause();
  }
  await Promise.all(keys);
}

async function writeOneByOne(lane: Lane, batch: Job[]): Promise<void> {
  for (const job of batch) {
    try {
      await writeBatch([job]);
      notify([job]);
    } catch (err) {
      if (isConnectionProblem(err)) return; // keep it queued; the lane retries
      logger.error(
        { err: message(err), job: job.kind, requestId: reservationOf(job).requestId },
        "dropping a request record that cannot be written",
      );
    }
    settled([job]);
    lane.queue.splice(lane.queue.indexOf(job), 1);
    backlogShrank();
  }
}

async function writeBatch(batch: Job[]): Promise<void> {
  await transactionRows((run) =>
    settleBatch(
      run,
      batch.map((job) => (job.kind === "settle" ? { outcome: job.outcome } : { release: job })),
    ),
  );
}

const reservationOf = (job: Job): Reservation => (job.kind === "settle" ? job.outcome.reservation : job.reservation);

/** Written (or dropped): a leased request no longer holds its lease open. */
function settled(batch: Job[]): void {
  for (const job of batch) {
    const lease = reservationOf(job).lease;
    if (lease) leaseSettled(lease);
  }
}

function notify(batch: Job[]): void {
  for (const userId of new Set(batch.filter((j) => j.kind === "settle").map((j) => j.userId)))
    publish(`balance:${userId}`, { reason: "usage" });
}

function isConnectionProblem(err: unknown): boolean {
  // The database's own errors about a statement (constraint violations, bad data) are about the
  // record itself; anything else (connection refused, timeouts, pool exhausted) is it being away.
  return !isDriverRecordError(err);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message.split("\n").slice(-1)[0] : String(err);
}

/**
 * Resolves once every queued record is written and the budget leases are given back — closed, and
 * drained once their requests are settled (tests, shutdown).
 */
export async function flushRecords(): Promise<void> {
  await closeLeasesNow();
  await recordsWritten();
  await drainLeases();
}

function recordsWritten(): Promise<void> {
  if (lanes().every((l) => !l.running && l.queue.length === 0)) return Promise.resolve();
  const idle = new Promise<void>((resolve) => (globalForRecorder.tollgateIdle ??= []).push(resolve));
  for (const lane of lanes()) lane.wake?.(); // and no lane lingers while someone waits
  return idle;
}

export function pendingRecords(): number {
  return lanes().reduce((n, l) => n + l.queue.length, 0);
}
