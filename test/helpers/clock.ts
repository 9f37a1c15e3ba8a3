import { onTestFinished } from "vitest";
import { setClockForTests } from "@/lib/clock";

/**
 * Per-minute limits are sliding windows: the previous minute's count is weighted by what is left of
 * it and rounded down (as @upstash/ratelimit does), so a burst that straddles a minute boundary counts
 * one request fewer — with `rpm: 1`, two requests 50 ms apart across one both pass. A test that counts
 * requests against such a limit calls this first: the clock moves on to 5 s into the next minute (and
 * keeps running), so its requests share one window, and it is set back when the test ends.
 */
export function startInFreshMinute(): void {
  setClockForTests(new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 5_000));
  onTestFinished(() => setClockForTests(null));
}
