import "server-only";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { publish, subscribe } from "@/lib/events/bus";
import type { Prisma } from "@/lib/generated/prisma/client";

// Global settings, stored as one JSON row per key and validated on read and write.
const moneyString = z.string().regex(/^\d{1,15}$/, "must be a whole number of micro-units");

export const defaultLimitsSchema = z
  .object({
    balance: moneyString.nullable().default(null),
    monthlyQuota: moneyString.nullable().default(null),
    tokenAllowance: moneyString.nullable().default(null),
    grantAmount: moneyString.nullable().default(null),
    grantPeriodSeconds: z.number().int().positive().nullable().default(null),
    dailyRequestLimit: z.number().int().positive().nullable().default(null),
    rpm: z.number().int().positive().nullable().default(null),
    tpm: z.number().int().positive().nullable().default(null),
  })
  .strict();

// What a user may pay in one checkout, and the amounts the "Add credit" dialog offers (micro-units).
export const paymentBoundsSchema = z
  .object({
    minimum: moneyString,
    maximum: moneyString,
    presets: z.array(moneyString).max(6),
  })
  .strict();

export const settingSchemas = {
  registrationOpen: z.boolean(),
  globalDailyLimit: z.number().int().positive().nullable(),
  defaultUserLimits: defaultLimitsSchema,
  bedrockRegions: z.array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region like us-east-1")),
  rateLimitFailOpen: z.boolean(),
  /** Without a client's max_tokens, a request is capped to what the money affords, and refused below this many output tokens. */
  minAnswerTokens: z.number().int().min(1).max(100_000),
  /** Files attached in the chat: size of each, how many per message, pages of a PDF. */
  chatFiles: z
    .object({
      maxBytes: z
        .number()
        .int()
        .positive()
        .max(6 * 1024 * 1024, "must be at most 6 MB"),
      maxFiles: z.number().int().positive().max(10),
      maxPdfPages: z.number().int().positive().max(2_000),
    })
    .strict(),
  paymentBounds: paymentBoundsSchema,
} as const;

export type Settings = { [K in keyof typeof settingSchemas]: z.infer<(typeof settingSchemas)[K]> };

export const settingDefaults: Settings = {
  registrationOpen: true,
  globalDailyLimit: null,
  defaultUserLimits: defaultLimitsSchema.parse({}),
  bedrockRegions: [],
  rateLimitFailOpen: false,
  minAnswerTokens: 64,
  chatFiles: { maxBytes: 5 * 1024 * 1024, maxFiles: 5, maxPdfPages: 100 },
  paymentBounds: {
    minimum: "5000000",
    maximum: "1000000000",
    presets: ["10000000", "25000000", "50000000", "100000000"],
  },
};

export async function getSetting<K extends keyof Settings>(key: K): Promise<Settings[K]> {
  const db = await getDb();
  const row = await db.setting.findUnique({ where: { key } });
  if (!row) return settingDefaults[key];
  const parsed = settingSchemas[key].safeParse(row.value);
  return parsed.success ? (parsed.data as Settings[K]) : settingDefaults[key];
}

export async function getAllSettings(): Promise<Settings> {
  const db = await getDb();
  const rows = await db.setting.findMany();
  const out = { ...settingDefaults } as Record<string, unknown>;
  for (const row of rows) {
    const schema = settingSchemas[row.key as keyof Settings];
    const parsed = schema?.safeParse(row.value);
    if (parsed?.success) out[row.key] = parsed.data;
  }
  return out as Settings;
}

export async function setSetting<K extends keyof Settings>(
  key: K,
  value: Settings[K],
  tx?: Prisma.TransactionClient,
): Promise<void> {
  const db = tx ?? (await getDb());
  const json = settingSchemas[key].parse(value) as Prisma.InputJsonValue;
  await db.setting.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
  invalidateSettings();
}

// The hot path reads settings from memory; changes here or on another instance clear the copy.
const SETTINGS_TTL_MS = 30_000;
const globalForSettings = globalThis as unknown as {
  tollgateSettings?: { value: Settings; at: number };
  tollgateSettingsSub?: boolean;
};

export function invalidateSettings(): void {
  globalForSettings.tollgateSettings = undefined;
  publish("settings");
}

export async function getSettingsCached(): Promise<Settings> {
  if (!globalForSettings.tollgateSettingsSub) {
    globalForSettings.tollgateSettingsSub = true;
    subscribe("settings", () => {
      globalForSettings.tollgateSettings = undefined;
    });
  }
  const cached = globalForSettings.tollgateSettings;
  if (cached && Date.now() - cached.at < SETTINGS_TTL_MS) return cached.value;
  const value = await getAllSettings();
  globalForSettings.tollgateSettings = { value, at: Date.now() };
  return value;
}
