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
