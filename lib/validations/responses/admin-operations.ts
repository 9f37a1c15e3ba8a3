import { z } from "zod";
import type { tailLogs } from "@/lib/logging/tail";
import type { metricsHistory } from "@/lib/metrics/history";
import type { serverStatus } from "@/lib/metrics/status";
import type { getAdminConfig, getBedrockRegions, setBedrockRegions, updateAdminConfig } from "@/lib/settings/admin";
import type { usageReport } from "@/lib/usage/queries";
import type { summarizeUsage } from "@/lib/usage/summary";
import { usageGroupBySchema } from "../admin";
import { money } from "./common";
import type { Answer, Equals, Expect } from "./exact";

// What the admin operations routes answer: usage, settings, server status, logs and metrics.

// --- usage ---------------------------------------------------------------------------------------

const usageSums = {
  requests: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  cost: money,
  avgCostPerRequest: money,
};

export const usageReportResponse = z.object({
  from: z.string(),
  to: z.string(),
  group_by: usageGroupBySchema,
  rows: z.array(
    z.object({
      key: z.string().describe("The day, month or id the row sums"),
      label: z.string(),
      ...usageSums,
    }),
  ),
  totals: z.object(usageSums),
});

export const usageSummaryResponse = z.object({
  summary: z.string(),
  model: z.string(),
  from: z.string(),
  to: z.string(),
});

// --- settings ------------------------------------------------------------------------------------

export const adminConfigResponse = z.object({
  registrationOpen: z.boolean(),
  globalDailyLimit: z.number().nullable(),
  defaultUserLimits: z.object({
    balance: money.nullable(),
    monthlyQuota: money.nullable(),
    tokenAllowance: z.string().nullable(),
    grantAmount: z.string().nullable(),
    grantPeriodSeconds: z.number().nullable(),
    dailyRequestLimit: z.number().nullable(),
    rpm: z.number().nullable(),
    tpm: z.number().nullable(),
  }),
  rateLimitFailOpen: z.boolean(),
  minAnswerTokens: z.number(),
  paymentBounds: z.object({ minimum: money, maximum: money, presets: z.array(money) }),
});

export const regionsResponse = z.object({ regions: z.array(z.string()) });

// --- status, logs, metrics -----------------------------------------------------------------------

const statusFields = {
  version: z.string(),
  uptimeSeconds: z.number(),
  startedAt: z.string(),
  node: z.string(),
  database: z.enum(["ok", "down"]),
  redis: z.enum(["disabled", "ok", "down"]),
};
/** The counts are null while the database is down. */
export const serverStatusResponse = z.union([
  z.object({ ...statusFields, sessions: z.number(), requestsToday: z.number() }),
  z.object({ ...statusFields, sessions: z.null(), requestsToday: z.null() }),
]);

export const logsResponse = z.object({
  source: z.enum(["file", "memory"]).describe("The LOG_PATH file, or this process's recent lines"),
  lines: z.array(z.string()),
});

const percent = z.number().describe("%");
export const metricsHistoryResponse = z.object({
  intervalSeconds: z.number(),
  samples: z.array(
    z.object({
      cpu: percent,
      processCpu: percent,
      memory: percent,
      network: z.number().describe("Received + sent, Mbit/s"),
      disk: percent,
      at: z.string(),
    }),
  ),
});

// Each schema is exactly what its lib function answers (tsc fails otherwise).
type _Exact = [
  Expect<Equals<z.output<typeof usageReportResponse>, Answer<typeof usageReport>>>,
  Expect<Equals<z.output<typeof usageSummaryResponse>, Answer<typeof summarizeUsage>>>,
  Expect<Equals<z.output<typeof adminConfigResponse>, Answer<typeof getAdminConfig>>>,
  Expect<Equals<z.output<typeof adminConfigResponse>, Answer<typeof updateAdminConfig>>>,
  Expect<Equals<z.output<typeof regionsResponse>, Answer<typeof getBedrockRegions>>>,
  Expect<Equals<z.output<typeof regionsResponse>, Answer<typeof setBedrockRegions>>>,
  Expect<Equals<z.output<typeof serverStatusResponse>, Answer<typeof serverStatus>>>,
  Expect<Equals<z.output<typeof logsResponse>, Answer<typeof tailLogs>>>,
  Expect<Equals<z.output<typeof metricsHistoryResponse>, Answer<typeof metricsHistory>>>,
];
