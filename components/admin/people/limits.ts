import type { LimitView } from "@/lib/validations/admin-responses";

// The limit fields shared by users, groups and keys: how they read from a wallet, and which of
// them a form changed, as the snake_case body of the admin update routes. An emptied field is
// sent as null, which removes that limit at this level.

type LimitKind = "money" | "tokens" | "count";

export const LIMIT_FIELDS = [
  {
    name: "balance",
    label: "Balance (USD)",
    kind: "money",
    hint: "Sets the balance outright",
    read: (l: LimitView) => l.balance,
  },
  { name: "month_quota", label: "Monthly quota (USD)", kind: "money", read: (l: LimitView) => l.monthlyQuota },
  { name: "token_allowance", label: "Token allowance", kind: "tokens", read: (l: LimitView) => l.tokenAllowance },
  {
    name: "grant_amount",
    label: "Token grant",
    kind: "tokens",
    hint: "Tokens added every grant period",
    read: (l: LimitView) => l.grantAmount,
  },
  {
    name: "grant_period_seconds",
    label: "Grant period (seconds)",
    kind: "count",
    hint: "86400 = daily",
    read: (l: LimitView) => l.grantPeriodSeconds,
  },
  {
    name: "daily_request_limit",
    label: "Requests per day",
    kind: "count",
    read: (l: LimitView) => l.dailyRequestLimit,
  },
  { name: "rpm", label: "Requests per minute", kind: "count", read: (l: LimitView) => l.rpm },
  { name: "tpm", label: "Tokens per minute", kind: "count", read: (l: LimitView) => l.tpm },
] as const satisfies ReadonlyArray<{
  name: string;
  label: string;
  kind: LimitKind;
  hint?: string;
  read: (l: LimitView) => string | number | null;
}>;

export type LimitName = (typeof LIMIT_FIELDS)[number]["name"];
export type LimitValues = Record<LimitName, string>;
export type LimitChanges = Partial<Record<LimitName, string | number | null>>;

/** "10.500000" → "10.5": the exact amount, without the padding, for an input box. */
export function plainAmount(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

export function limitValuesFrom(limit: LimitView | null): LimitValues {
  const values = {} as LimitValues;
  for (const f of LIMIT_FIELDS) {
    const v = limit ? f.read(limit) : null;
    values[f.name] = v === null ? "" : f.kind === "money" ? plainAmount(String(v)) : String(v);
  }
  return values;
}

export const emptyLimitValues = (): LimitValues => limitValuesFrom(null);

/**
 * The fields that differ from `initial`, ready to send. Throws "Label: message" for a count
 * that is not a whole number (the routes take those as JSON numbers); money and tokens go as
 * text and are checked exactly by the server.
 */
export function limitChanges(initial: LimitValues, current: LimitValues): LimitChanges {
  const changes: LimitChanges = {};
  for (const f of LIMIT_FIELDS) {
    const text = current[f.name].trim();
    if (text === initial[f.name].trim()) continue;
    if (text === "") changes[f.name] = null;
    else if (f.kind === "count") {
      if (!/^\d{1,10}$/.test(text)) throw new Error(`${f.label}: must be a whole number`);
      changes[f.name] = Number(text);
    } else changes[f.name] = text;
  }
  return changes;
}
