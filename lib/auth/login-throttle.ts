import "server-only";
import { AppError } from "@/lib/errors";

// Slows and then blocks password guessing: after 5 failures for one account or 20 from one
// address within 15 minutes, further attempts are refused until the window passes.
const WINDOW_MS = 15 * 60_000;
const MAX_PER_ACCOUNT = 5;
const MAX_PER_ADDRESS = 20;
const MAX_TRACKED = 50_000;

type Entry = { count: number; resetAt: number };
const failures = new Map<string, Entry>();

function entry(key: string, now: number): Entry | undefined {
  const e = failures.get(key);
  if (e && e.resetAt <= now) {
    failures.delete(key);
    return undefined;
  }
  return e;
}

export function checkLoginAllowed(email: string, address: string, now = Date.now()): void {
  for (const [key, max] of [[`a:${email}`, MAX_PER_ACCOUNT], [`ip:${address}`, MAX_PER_ADDRESS]] as const) {
    const e = entry(key, now);
    if (e && e.count >= max) {
      const retryAfter = Math.ceil((e.resetAt - now) / 1000);
      throw new AppError("rate_limited", `Too many failed sign-in attempts; try again in ${Math.ceil(retryAfter / 60)} minutes`, {
        headers: { "retry-after": String(retryAfter) },
      });
    }
  }
}

/** Counts a failure; answers how long to hold the 401 back: from an account's third failure on, doubling up to 2 s. */
export function recordLoginFailure(email: string, address: string, now = Date.now()): number {
  if (failures.size > MAX_TRACKED) failures.clear();
  for (const key of [`a:${email}`, `ip:${address}`]) {
    const e = entry(key, now);
    if (e) e.count++;
    else failures.set(key, { count: 1, resetAt: now + WINDOW_MS });
  }
  const count = entry(`a:${email}`, now)!.count;
  return count >= 3 ? Math.min(2_000, 250 * 2 ** (count - 3)) : 0;
}

export function recordLoginSuccess(email: string): void {
  failures.delete(`a:${email}`);
}
