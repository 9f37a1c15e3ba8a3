import { describe, expect, it } from "vitest";
import { startOfNextUtcDay, startOfUtcDay, utcDayStartMs } from "@/lib/clock";

// The day a request is counted in (daily limits, the daily usage rows) is its UTC calendar day.
describe("UTC days", () => {
  const calendarDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const times = [
    "2026-12-06T00:00:00.000Z",
    "2026-12-06T23:59:59.999Z",
    "2024-02-29T12:00:00.000Z",
    "2016-12-31T23:59:59.999Z", // a leap second was added at its end: Unix time counts none
    "1970-01-01T00:00:00.000Z",
    "1969-12-31T23:59:59.999Z",
    "1901-03-01T05:00:00.000Z",
  ].map((t) => new Date(t));

  it("start at the calendar day's midnight, also before 1970", () => {
    for (const t of times) {
      expect(startOfUtcDay(t).toISOString(), t.toISOString()).toBe(calendarDay(t).toISOString());
      expect(utcDayStartMs(t.getTime())).toBe(calendarDay(t).getTime());
    }
  });

  it("the next day starts 24 hours later", () => {
    expect(startOfNextUtcDay(new Date("2026-12-31T18:00:00Z")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });
});
