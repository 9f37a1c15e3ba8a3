// One clock for limits and billing, so tests can move time (month boundaries, grant periods).
let offsetMs = 0;

export function now(): Date {
  return new Date(Date.now() + offsetMs);
}

export function setClockForTests(date: Date | null): void {
  offsetMs = date ? date.getTime() - Date.now() : 0;
}

const DAY_MS = 86_400_000;

/** The start of a time's UTC day, in ms: days are whole multiples of a day's ms from the epoch (Unix time has no leap seconds). */
export function utcDayStartMs(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export function startOfUtcDay(d: Date): Date {
  return new Date(utcDayStartMs(d.getTime()));
}

export function startOfUtcMonth(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

export function startOfNextUtcMonth(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

export function startOfNextUtcDay(d: Date): Date {
  return new Date(startOfUtcDay(d).getTime() + DAY_MS);
}

export function secondsUntil(target: Date, from: Date = now()): number {
  return Math.max(1, Math.ceil((target.getTime() - from.getTime()) / 1000));
}
