// GET /api/admin/metrics/history and the recorder behind it: what the overview chart opens on.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as historyRoute from "@/app/api/admin/metrics/history/route";
import { type HostSample, recordHostSample, resetMetricsHistory, startMetricsRecorder } from "@/lib/metrics/history";
import { expectAdminOnly, expectValidationError } from "../helpers/admin";
import { ADMIN_TOKEN, call, json, startApp } from "../helpers/app";

beforeAll(async () => {
  await startApp();
});
afterEach(() => resetMetricsHistory());

type HistoryBody = { intervalSeconds: number; samples: HostSample[] };

function sampleAt(minutesAgo: number, cpu: number): HostSample {
  const at = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  return { at, cpu, processCpu: 1, memory: 40, network: 0.5, disk: 60 };
}

describe("GET /api/admin/metrics/history", () => {
  it("answers the samples of the last 5 minutes by default, oldest first", async () => {
    for (const [ago, cpu] of [
      [30, 1],
      [6, 2],
      [4, 3],
      [1, 4],
      [0, 5],
    ])
      recordHostSample(sampleAt(ago, cpu));
    const res = await call(historyRoute.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/metrics/history" });
    expect(res.status).toBe(200);
    const body = await json<HistoryBody>(res);
    expect(body.intervalSeconds).toBe(5);
    expect(body.samples.map((s) => s.cpu)).toEqual([3, 4, 5]);
    expect(body.samples[0]).toMatchObject({ processCpu: 1, memory: 40, network: 0.5, disk: 60 });
  });

  it("answers up to the hour it keeps with ?minutes", async () => {
    recordHostSample(sampleAt(90, 1));
    recordHostSample(sampleAt(30, 2));
    recordHostSample(sampleAt(2, 3));
    const res = await call(historyRoute.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/metrics/history?minutes=60" });
    expect((await json<HistoryBody>(res)).samples.map((s) => s.cpu)).toEqual([2, 3]);
  });

  it("keeps at most an hour of samples at the 5-second interval", async () => {
    for (let i = 0; i < 800; i++) recordHostSample(sampleAt(0, i % 100));
    const res = await call(historyRoute.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/metrics/history?minutes=60" });
    expect((await json<HistoryBody>(res)).samples).toHaveLength(720);
  });

  it("is filled by the recorder with the host figures the live stream sends", async () => {
    await startMetricsRecorder(60_000);
    const res = await call(historyRoute.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/metrics/history" });
    const [first] = (await json<HistoryBody>(res)).samples;
    for (const field of ["cpu", "processCpu", "memory", "network", "disk"] as const) {
      expect(first[field], field).toEqual(expect.any(Number));
      expect(first[field]).toBeGreaterThanOrEqual(0);
    }
    expect(Date.now() - Date.parse(first.at)).toBeLessThan(60_000);
  });

  it("answers 400 naming minutes for a bad window, and is for administrators only", async () => {
    for (const minutes of ["0", "61", "1.5", "abc"])
      await expectValidationError(
        await call(historyRoute.GET, { bearer: ADMIN_TOKEN, path: `/api/admin/metrics/history?minutes=${minutes}` }),
        "minutes",
      );
    await expectAdminOnly(historyRoute.GET, { path: "/api/admin/metrics/history" });
  });
});
