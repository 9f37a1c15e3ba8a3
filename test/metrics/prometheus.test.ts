// GET /api/metrics: who may read it, that it parses as Prometheus text, and that the counters move.
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as metricsRoute from "@/app/api/metrics/route";
import {
  observeRequestOutcome,
  rateLimitRejected,
  streamEnded,
  streamStarted,
  upstreamErrored,
} from "@/lib/metrics/prometheus";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { regularUser } from "../helpers/admin";
import { ADMIN_TOKEN, call, startApp } from "../helpers/app";
import { startInFreshMinute } from "../helpers/clock";
import { type FakeUpstream, sdk, seedProviders, userWithKey } from "../helpers/gateway";
import { histogramCount, parseMetrics, sampleValue } from "../helpers/prometheus";

const METRICS_TOKEN = "scraper-token-0123456789";
process.env.METRICS_TOKEN = METRICS_TOKEN;

let upstream: FakeUpstream;
beforeAll(async () => {
  await startApp();
  upstream = await startFakeUpstream({ port: 0 });
  await seedProviders(upstream);
});
afterAll(async () => {
  await upstream?.close();
});

async function scrapeText(): Promise<string> {
  const res = await call(metricsRoute.GET, { bearer: METRICS_TOKEN });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

async function scrape() {
  return parseMetrics(await scrapeText());
}

describe("who may read /api/metrics", () => {
  it("refuses anonymous callers (401) and ordinary users (403)", async () => {
    expect((await call(metricsRoute.GET)).status).toBe(401);
    const someone = await regularUser("metrics");
    expect((await call(metricsRoute.GET, { cookie: someone.cookie })).status).toBe(403);
    expect((await call(metricsRoute.GET, { bearer: someone.key })).status).toBe(403);
    expect((await call(metricsRoute.GET, { bearer: "scraper-token-wrong-value" })).status).toBe(401);
  });

  it("serves METRICS_TOKEN and admins", async () => {
    expect((await call(metricsRoute.GET, { bearer: METRICS_TOKEN })).status).toBe(200);
    expect((await call(metricsRoute.GET, { bearer: ADMIN_TOKEN })).status).toBe(200);
  });
});

describe("the exposition", () => {
  it("parses and carries Tollgate's families and Node's process metrics", async () => {
    const names = (await scrape()).map((f) => f.name);
    for (const name of [
      "tollgate_requests_total",
      "tollgate_tokens_total",
      "tollgate_cost_micros_total",
      "tollgate_rate_limit_rejections_total",
      "tollgate_upstream_errors_total",
      "tollgate_request_duration_seconds",
      "tollgate_time_to_first_token_seconds",
      "tollgate_active_streams",
      "process_cpu_user_seconds_total",
      "nodejs_heap_size_used_bytes",
    ]) {
      expect(names, name).toContain(name);
    }
  });

  it("counts descriptors off the event loop and leaves out the counts that walk every handle", async () => {
    const families = await scrape();
    const names = families.map((f) => f.name);
    // Grouped by type, these walked every handle, request or resource on each scrape (~300 ms with
    // 10,000 streams open); the totals of handles and requests stay.
    for (const name of ["nodejs_active_handles", "nodejs_active_requests", "nodejs_active_resources"])
      expect(names, name).not.toContain(name);
    expect(names).toContain("nodejs_active_handles_total");
    expect(names).toContain("nodejs_active_requests_total");
    const open = sampleValue(families, "process_open_fds");
    const real = readdirSync("/proc/self/fd").length - 1;
    expect(open).toBeGreaterThan(5);
    expect(Math.abs(open - real)).toBeLessThanOrEqual(5);
  });

  it("moves the counters when the observe functions are called", async () => {
    const before = await scrape();
    const labels = { model: "metrics-model", provider: "metrics-provider", status: "ok" };
    observeRequestOutcome({
      ...labels,
      status: "OK",
      latencyMs: 1_500,
      ttftMs: 200,
      promptTokens: 12,
      completionTokens: 30,
      costMicros: 4_321n,
    });
    rateLimitRejected("rpm");
    upstreamErrored("metrics-provider", "timeout");
    streamStarted();
    streamStarted();
    streamEnded();
    const text = await scrapeText();
    const after = parseMetrics(text);
    const delta = (name: string, l: Record<string, string> = {}) =>
      sampleValue(after, name, l) - sampleValue(before, name, l);
    expect(delta("tollgate_requests_total", labels)).toBe(1);
    expect(delta("tollgate_tokens_total", { model: "metrics-model", kind: "prompt" })).toBe(12);
    expect(delta("tollgate_tokens_total", { model: "metrics-model", kind: "completion" })).toBe(30);
    expect(delta("tollgate_cost_micros_total", { model: "metrics-model" })).toBe(4_321);
    expect(delta("tollgate_rate_limit_rejections_total", { limit: "rpm" })).toBe(1);
    expect(delta("tollgate_upstream_errors_total", { provider: "metrics-provider", kind: "timeout" })).toBe(1);
    expect(delta("tollgate_active_streams")).toBe(1);
    expect(histogramCount(text, "tollgate_request_duration_seconds", { model: "metrics-model" })).toBe(1);
    expect(histogramCount(text, "tollgate_time_to_first_token_seconds", { model: "metrics-model" })).toBe(1);
    streamEnded();
  });

  it("reports the PostgreSQL pool (and nothing on the embedded database)", async () => {
    const families = await scrape();
    const pool = families.find((f) => f.name === "tollgate_db_pool_connections");
    if (process.env.DATABASE_URL) {
      expect(sampleValue(families, "tollgate_db_pool_connections")).toBeGreaterThanOrEqual(1);
      expect(families.map((f) => f.name)).toContain("tollgate_db_pool_waiting_requests");
    } else {
      expect(pool?.metrics ?? []).toEqual([]);
    }
  });

  it("counts real requests through the gateway: outcome, tokens, cost, latency, streams, refusals", async () => {
    startInFreshMinute();
    const { key } = await userWithKey();
    const { key: limited } = await userWithKey({ limits: { rpm: 1 } });
    const beforeText = await scrapeText();
    const before = parseMetrics(beforeText);
    const messages = [{ role: "user" as const, content: "hi" }];
    await sdk(key).chat.completions.create({ model: "gpt-fake", messages });
    const stream = await sdk(key).chat.completions.create({ model: "gpt-fake", messages, stream: true });
    for await (const chunk of stream) void chunk;
    await sdk(limited).chat.completions.create({ model: "gpt-fake", messages });
    await expect(sdk(limited).chat.completions.create({ model: "gpt-fake", messages })).rejects.toMatchObject({
      status: 429,
    });
    const { flushRecords } = await import("@/lib/billing/recorder");
    await flushRecords();
    const text = await scrapeText();
    const after = parseMetrics(text);
    const delta = (name: string, l: Record<string, string> = {}) =>
      sampleValue(after, name, l) - sampleValue(before, name, l);
    expect(delta("tollgate_requests_total", { model: "gpt-fake", provider: "openai-test", status: "ok" })).toBe(3);
    expect(delta("tollgate_tokens_total", { model: "gpt-fake", kind: "completion" })).toBeGreaterThan(0);
    expect(delta("tollgate_cost_micros_total", { model: "gpt-fake" })).toBeGreaterThan(0);
    expect(delta("tollgate_rate_limit_rejections_total", { limit: "rpm" })).toBe(1);
    expect(delta("tollgate_active_streams")).toBe(0);
    const count = (t: string, name: string) => histogramCount(t, name, { model: "gpt-fake" });
    expect(
      count(text, "tollgate_request_duration_seconds") - count(beforeText, "tollgate_request_duration_seconds"),
    ).toBe(3);
    expect(
      count(text, "tollgate_time_to_first_token_seconds") - count(beforeText, "tollgate_time_to_first_token_seconds"),
    ).toBe(3);
  });
});
