import "server-only";
import { getDb } from "@/lib/db/client";
import pkg from "@/package.json";

export const version: string = pkg.version;

let draining = false;
export function markDraining(): void {
  draining = true;
}
export function isDraining(): boolean {
  return draining;
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
