// Shapes of GET /api/admin/usage (lib/usage/queries): sums per key of the chosen grouping.

export type UsageGroupBy = "day" | "month" | "user" | "group" | "model" | "key";
export const BREAKDOWNS: Array<{ value: Exclude<UsageGroupBy, "day" | "month">; label: string }> = [
  { value: "user", label: "User" },
  { value: "group", label: "Group" },
  { value: "model", label: "Model" },
  { value: "key", label: "API key" },
];

export type UsageSums = {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cost: string;
  avgCostPerRequest: string;
};
export type UsageRow = UsageSums & { key: string; label: string };
export type UsageReport = { from: string; to: string; group_by: UsageGroupBy; rows: UsageRow[]; totals: UsageSums };
export type UsageReports = Record<UsageGroupBy, UsageReport>;
