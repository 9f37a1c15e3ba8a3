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
