// One clock for limits and billing, so tests can move time (month boundaries, grant periods).
let offsetMs = 0;

export function now(): Date {
  return new Date(Date.now() + offsetMs);
}

export function setClockForTests(date: Date | null): void {
  offsetMs = date ? date.getTime() - Date.now() : 0;
}

export function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

export function startOfUtcMonth(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

export function startOfNextUtcMonth(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

export function startOfNextUtcDay(d: Date): Date {
  return new Date(startOfUtcDay(d).getTime() + 86_400_000);
}

export function secondsUntil(target: Date, from: Date = now()): number {
  return Math.max(1, Math.ceil((target.getTime() - from.getTime()) / 1000));
}
