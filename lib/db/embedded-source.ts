// Where an in-memory embedded database (PGLITE_DIR=memory://…) comes from when something provides it:
// the tests hand over a copy of an already migrated template, opened on first use (lib/db/client.ts),
// so a test file that never touches the database never pays for one (a PGlite copy costs ~1 s of
// CPU). No imports: the tests' setup sets it without loading the app.

export type EmbeddedSource = () => Promise<import("@electric-sql/pglite").PGlite>;

const globalForSource = globalThis as unknown as { tollgateEmbeddedSource?: EmbeddedSource };

/** Each opening of an in-memory embedded database (the first, and the next after closeDb()) calls `open`. */
export function setEmbeddedSource(open: EmbeddedSource | undefined): void {
  globalForSource.tollgateEmbeddedSource = open;
}

export function embeddedSource(): EmbeddedSource | undefined {
  return globalForSource.tollgateEmbeddedSource;
}
