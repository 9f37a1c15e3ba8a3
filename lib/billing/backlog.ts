import "server-only";

// How many request records wait to be written. The recorder registers its count here, and the
// reservation reads it (budget leases admit only while the recorder keeps up), so reserve.ts does
// not import the recorder, which imports settlement, which imports the reservation's pieces.

type Probe = () => number;
const globalForBacklog = globalThis as unknown as { tollgateRecordBacklog?: Probe };

export function setRecordBacklogProbe(probe: Probe): void {
  globalForBacklog.tollgateRecordBacklog = probe;
}

/** Records queued for writing; 0 before the recorder has queued anything. */
export function recordBacklog(): number {
  return globalForBacklog.tollgateRecordBacklog?.() ?? 0;
}

type Waiter = { below: number; done: () => void };
const globalForWaiters = globalThis as unknown as { tollgateBacklogWaiters?: Set<Waiter> };

function waiters(): Set<Waiter> {
  globalForWaiters.tollgateBacklogWaiters ??= new Set();
  return globalForWaiters.tollgateBacklogWaiters;
}

/** Resolves once fewer than `below` records wait to be written, or after `maxMs`, whichever comes first. */
export function backlogBelow(below: number, maxMs: number): Promise<void> {
  if (recordBacklog() < below) return Promise.resolve();
  return new Promise((resolve) => {
    const waiter: Waiter = { below, done };
    const timer = setTimeout(done, maxMs);
    function done() {
      clearTimeout(timer);
      waiters().delete(waiter);
      resolve();
    }
    waiters().add(waiter);
  });
}

/** The recorder wrote records: wakes those waiting for its backlog to fall below their mark. */
export function backlogShrank(): void {
  const all = waiters();
  if (all.size === 0) return;
  const n = recordBacklog();
  for (const w of all) if (n < w.below) w.done();
}
