import "server-only";
import { readdir } from "node:fs/promises";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { config } from "@/lib/config";
import { dbPoolStats } from "@/lib/db/client";

// Prometheus metrics on a registry of our own. It lives on globalThis because Next.js may load this
// module more than once (instrumentation, each route bundle): every copy must count into one place.

type Metrics = {
  registry: Registry;
  requests: Counter<"model" | "provider" | "status">;
  tokens: Counter<"model" | "kind">;
  costMicros: Counter<"model">;
  rateLimitRejections: Counter<"limit">;
  upstreamErrors: Counter<"provider" | "kind">;
  duration: Histogram<"model">;
  ttft: Histogram<"model">;
  activeStreams: Gauge;
};

const globalForMetrics = globalThis as unknown as { tollgateMetrics?: Metrics };

function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  replaceWalkingMetrics(registry);
  const metrics: Metrics = {
    registry,
    requests: new Counter({
      name: "tollgate_requests_total",
      help: "Gateway requests by model, provider and outcome",
      labelNames: ["model", "provider", "status"],
      registers,
    }),
    tokens: new Counter({
      name: "tollgate_tokens_total",
      help: "Tokens billed, by model and kind (prompt, completion)",
      labelNames: ["model", "kind"],
      registers,
    }),
    costMicros: new Counter({
      name: "tollgate_cost_micros_total",
      help: "Cost billed in micro-units (1e-6 of the currency)",
      labelNames: ["model"],
      registers,
    }),
    rateLimitRejections: new Counter({
      name: "tollgate_rate_limit_rejections_total",
      help: "Requests refused by a limit (rpm, tpm, balance, quota…)",
      labelNames: ["limit"],
      registers,
    }),
    upstreamErrors: new Counter({
      name: "tollgate_upstream_errors_total",
      help: "Failed upstream attempts by provider and kind",
      labelNames: ["provider", "kind"],
      registers,
    }),
    duration: new Histogram({
      name: "tollgate_request_duration_seconds",
      help: "Time from admission to the end of the answer",
      labelNames: ["model"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    ttft: new Histogram({
      name: "tollgate_time_to_first_token_seconds",
      help: "Time from admission to the first token",
      labelNames: ["model"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    }),
    activeStreams: new Gauge({
      name: "tollgate_active_streams",
      help: "Streaming answers being relayed now",
      registers,
    }),
  };
  if (config().DATABASE_URL) registerDbPoolGauges(registers);
  return metrics;
}

/**
 * prom-client's default metrics that walk every handle, resource or descriptor of the process on each
 * scrape, on the event loop: with 10,000 streams open, one scrape held it for ~300 ms (a profile of
 * bench:streams: `readdirSync` of /proc/self/fd, two handle lists and their grouping by type, a string
 * per resource). The counts by type are left out (tollgate_active_streams says what is open); the
 * descriptors are counted off the loop, with the same name; the handle and request totals stay (one
 * list each, not grouped).
 */
function replaceWalkingMetrics(registry: Registry): void {
  for (const name of [
    "nodejs_active_handles",
    "nodejs_active_requests",
    "nodejs_active_resources",
    "nodejs_active_resources_total",
    "process_open_fds",
  ])
    registry.removeSingleMetric(name);
  if (process.platform !== "linux") return;
  new Gauge({
    name: "process_open_fds",
    help: "Number of open file descriptors.",
    registers: [registry],
    async collect() {
      // The directory's own descriptor, open while it is read, is not counted.
      const fds = await readdir("/proc/self/fd").catch(() => null);
      if (fds) this.set(fds.length - 1);
    },
  });
}

// Only PostgreSQL has a connection pool (the embedded database has no such series).
function registerDbPoolGauges(registers: Registry[]): void {
  const gauge = (name: string, help: string, read: (s: NonNullable<ReturnType<typeof dbPoolStats>>) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const stats = dbPoolStats();
        if (stats) this.set(read(stats));
      },
    });
  gauge("tollgate_db_pool_connections", "Open PostgreSQL connections", (s) => s.total);
  gauge("tollgate_db_pool_idle_connections", "Idle PostgreSQL connections", (s) => s.idle);
  gauge("tollgate_db_pool_waiting_requests", "Queries waiting for a PostgreSQL connection", (s) => s.waiting);
}

function metrics(): Metrics {
  globalForMetrics.tollgateMetrics ??= createMetrics();
  return globalForMetrics.tollgateMetrics;
}

export type RequestObservation = {
  model: string;
  provider: string;
  /** The request's final status: OK, PARTIAL, ERROR, ABORTED. */
  status: string;
  latencyMs: number;
  ttftMs: number | null;
  promptTokens: number;
  completionTokens: number;
  costMicros: bigint;
};

/** One finished gateway request (call once, when it is settled or released). */
export function observeRequestOutcome(o: RequestObservation): void {
  const m = metrics();
  m.requests.inc({ model: o.model, provider: o.provider, status: o.status.toLowerCase() });
  if (o.promptTokens > 0) m.tokens.inc({ model: o.model, kind: "prompt" }, o.promptTokens);
  if (o.completionTokens > 0) m.tokens.inc({ model: o.model, kind: "completion" }, o.completionTokens);
  if (o.costMicros > 0n) m.costMicros.inc({ model: o.model }, Number(o.costMicros));
  m.duration.observe({ model: o.model }, o.latencyMs / 1000);
  if (o.ttftMs !== null) m.ttft.observe({ model: o.model }, o.ttftMs / 1000);
}

export function streamStarted(): void {
  metrics().activeStreams.inc();
}

export function streamEnded(): void {
  metrics().activeStreams.dec();
}

/** A request refused by a limit: "rpm", "tpm", "balance", "monthly_quota", "daily_requests"… */
export function rateLimitRejected(limit: string): void {
  metrics().rateLimitRejections.inc({ limit });
}

/** One failed upstream attempt: kind is "timeout", "http_429", "http_5xx", "network"… */
export function upstreamErrored(provider: string, kind: string): void {
  metrics().upstreamErrors.inc({ provider, kind });
}

/** The exposition text for GET /api/metrics. */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const { registry } = metrics();
  return { body: await registry.metrics(), contentType: registry.contentType };
}
