import "server-only";
import { getDb } from "@/lib/db/client";
import pkg from "@/package.json";

export const version: string = pkg.version;

// On globalThis: Next.js may load this module more than once (instrumentation, route bundles),
// and the shutdown handler and the health routes must see the same flag.
const globalForHealth = globalThis as unknown as { tollgateDraining?: boolean };

export function markDraining(): void {
  globalForHealth.tollgateDraining = true;
}

export function isDraining(): boolean {
  return globalForHealth.tollgateDraining === true;
}

/** scripts/lib/drain.mjs, where scripts/serve.mjs drains its connections itself. */
const connectionDrain = () =>
  (globalThis as unknown as { tollgateConnectionDrain?: { idle(): number } }).tollgateConnectionDrain;

/**
 * Whether a new gateway request is refused (503, "shutting down"): while draining, unless the server
 * drains its connections itself (scripts/serve.mjs). There it refuses new connections, and a request
 * that still comes, on a connection that was open before, is answered (with `Connection: close`): a
 * balancer that sent a POST cannot send it elsewhere after a 503.
 */
export function refusesRequests(): boolean {
  return isDraining() && !connectionDrain();
}

/** The server's idle connections while it drains: a balancer may still send a request on one. */
export function idleConnections(): number {
  return connectionDrain()?.idle() ?? 0;
}

export async function checkDatabase(timeoutMs = 2_000): Promise<boolean> {
  try {
    const db = await getDb();
    await Promise.race([
      db.$queryRaw`SELECT 1`,
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}
