import "server-only";
import { flushRecords, pendingRecords } from "@/lib/billing/recorder";
import { config } from "@/lib/config";
import { closeDb } from "@/lib/db/client";
import { idleConnections, isDraining, markDraining } from "@/lib/health";
import { logger } from "@/lib/logging/logger";

// Graceful shutdown: on SIGTERM the health check turns 503 at once, no new gateway request is
// admitted (behind scripts/serve.mjs: no new connection, and what comes on an open one is answered;
// scripts/lib/drain.mjs), open streams and idle connections get SHUTDOWN_GRACE_MS to finish (streams
// then end with an error event and are billed for what they produced), every queued request record
// is written, and the process exits.
// `npm start` sets NEXT_MANUAL_SIG_HANDLE so Next.js leaves the signal to us.

const globalForShutdown = globalThis as unknown as {
  tollgateStreams?: Set<(reason: Error) => void>;
  tollgateShutdownHooked?: boolean;
};

function streams(): Set<(reason: Error) => void> {
  globalForShutdown.tollgateStreams ??= new Set();
  return globalForShutdown.tollgateStreams;
}

/** Registers an open stream; call the returned function when it ends. */
export function trackStream(stop: (reason: Error) => void): () => void {
  streams().add(stop);
  return () => streams().delete(stop);
}

export function openStreams(): number {
  return streams().size;
}

const globalForWork = globalThis as unknown as { tollgateBackground?: Set<Promise<unknown>> };

function backgroundWork(): Set<Promise<unknown>> {
  globalForWork.tollgateBackground ??= new Set();
  return globalForWork.tollgateBackground;
}

/**
 * Work a request starts and does not wait for (a chat title asked of the model): tracked, so a
 * shutdown lets it finish and bill, and a test can wait for it before it reads the database.
 */
export function inBackground(work: Promise<unknown>): void {
  const tracked = work.catch(() => undefined).finally(() => backgroundWork().delete(tracked));
  backgroundWork().add(tracked);
}

/** Resolves once every background task started so far (and any they started) has ended. */
export async function backgroundSettled(): Promise<void> {
  while (backgroundWork().size > 0) await Promise.all([...backgroundWork()]);
}

export async function drainAndStop(graceMs = config().SHUTDOWN_GRACE_MS): Promise<void> {
  markDraining();
  logger.info({ openStreams: openStreams(), graceMs }, "draining: refusing new requests");
  const deadline = Date.now() + graceMs;
  // Idle connections too (scripts/serve.mjs): a request may still come on one, and is answered.
  while ((openStreams() > 0 || idleConnections() > 0) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  for (const stop of [...streams()]) stop(new Error("The server is shutting down"));
  const flushDeadline = Date.now() + 15_000;
  while (openStreams() > 0 && Date.now() < flushDeadline) await new Promise((r) => setTimeout(r, 50));
  await Promise.race([backgroundSettled(), new Promise((r) => setTimeout(r, 15_000))]);
  await Promise.race([flushRecords(), new Promise((r) => setTimeout(r, 15_000))]);
  if (pendingRecords() > 0) logger.error({ pending: pendingRecords() }, "exiting with unwritten request records");
}

export function installShutdownHandlers(): void {
  if (globalForShutdown.tollgateShutdownHooked) return;
  globalForShutdown.tollgateShutdownHooked = true;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (isDraining()) return;
      drainAndStop()
        .then(() => closeDb())
        .catch((err) => logger.error({ err: err instanceof Error ? err.message : String(err) }, "shutdown failed"))
        .finally(() => process.exit(0));
    });
  }
}
