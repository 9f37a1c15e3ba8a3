// One message of GET /api/admin/metrics/stream (lib/metrics/stream.ts) and the overview's other sources.

export type MetricsSample = {
  type: "metrics";
  at: string;
  /** Host CPU, memory and disk (data directory) in percent; network in megabits per second. */
  cpu: number;
  processCpu: number;
  memory: number;
  network: number;
  disk: number;
  requestsToday: number;
  requestsTotal: number;
  /** Users with a request in the last 15 minutes. */
  activeUsers: number;
  loadedModels: string[];
};

export type ServerStatus = {
  version: string;
  uptimeSeconds: number;
  startedAt: string;
  node: string;
  database: "ok" | "down";
  redis: "disabled" | "ok" | "down";
  sessions: number | null;
  requestsToday: number | null;
};

export type UsageTotals = {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cost: string;
  avgCostPerRequest: string;
};
