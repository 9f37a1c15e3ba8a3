import "server-only";
import { z } from "zod";
import { parseWith } from "@/lib/api/body";
import { type AuditEntry, writeAudit } from "@/lib/audit";
import { parseAmountOrThrow } from "@/lib/billing/ledger";
import { formatMoney } from "@/lib/billing/money";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { configUpdateSchema } from "@/lib/validations/admin";
import { getAllSettings, getSetting, type Settings, setSetting, settingSchemas } from "./index";

// The settings admins edit through the API, with money shown and taken as decimal strings
// (stored as micro-units) and an audit row for every change.

type Actor = AuditEntry["actor"];
type DefaultLimits = Settings["defaultUserLimits"];

function presentDefaults(d: DefaultLimits) {
  const money = (v: string | null) => (v === null ? null : formatMoney(BigInt(v)));
  return { ...d, balance: money(d.balance), monthlyQuota: money(d.monthlyQuota) };
}

export async function getAdminConfig() {
  const s = await getAllSettings();
  return {
    registrationOpen: s.registrationOpen,
    globalDailyLimit: s.globalDailyLimit,
    defaultUserLimits: presentDefaults(s.defaultUserLimits),
    rateLimitFailOpen: s.rateLimitFailOpen,
    minAnswerTokens: s.minAnswerTokens,
    paymentBounds: {
      minimum: formatMoney(BigInt(s.paymentBounds.minimum)),
      maximum: formatMoney(BigInt(s.paymentBounds.maximum)),
      presets: s.paymentBounds.presets.map((p) => formatMoney(BigInt(p))),
    },
  };
}

function mergePaymentBounds(
  current: Settings["paymentBounds"],
  change: NonNullable<ConfigUpdate["paymentBounds"]>,
): Settings["paymentBounds"] {
  const micros = (v: string | number, field: string) => parseAmountOrThrow(v, `paymentBounds.${field}`).toString();
  const next = {
    minimum: change.minimum === undefined ? current.minimum : micros(change.minimum, "minimum"),
    maximum: change.maximum === undefined ? current.maximum : micros(change.maximum, "maximum"),
    presets: change.presets === undefined ? current.presets : change.presets.map((p, i) => micros(p, `presets.${i}`)),
  };
  if (BigInt(next.minimum) > BigInt(next.maximum))
    throw new AppError("validation_error", "paymentBounds.maximum: must not be below the minimum", {
      param: "paymentBounds.maximum",
    });
  return next;
}

type ConfigUpdate = z.infer<typeof configUpdateSchema>;

function mergeDefaults(current: DefaultLimits, change: NonNullable<ConfigUpdate["defaultUserLimits"]>): DefaultLimits {
  const micros = (v: string | number | null | undefined, field: string) =>
    v === undefined
      ? undefined
      : v === null
        ? null
        : parseAmountOrThrow(v, `defaultUserLimits.${field}`, { allowZero: true }).toString();
  const tokens = (v: string | number | null | undefined) =>
    v === undefined ? undefined : v === null ? null : String(v);
  const next = {
    balance: micros(change.balance, "balance"),
    monthlyQuota: micros(change.monthlyQuota, "monthlyQuota"),
    tokenAllowance: tokens(change.tokenAllowance),
    grantAmount: tokens(change.grantAmount),
    grantPeriodSeconds: change.grantPeriodSeconds,
    dailyRequestLimit: change.dailyRequestLimit,
    rpm: change.rpm,
    tpm: change.tpm,
  };
  const given = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined));
  return { ...current, ...given };
}

/** Applies a partial change in one transaction; fields not given keep their value. */
export async function updateAdminConfig(input: { change: ConfigUpdate; actor: Actor }) {
  const before = await getAllSettings();
  const c = input.change;
  const next: { -readonly [K in keyof Settings]?: Settings[K] } = {};
  if (c.registrationOpen !== undefined) next.registrationOpen = c.registrationOpen;
  if (c.globalDailyLimit !== undefined) next.globalDailyLimit = c.globalDailyLimit;
  if (c.rateLimitFailOpen !== undefined) next.rateLimitFailOpen = c.rateLimitFailOpen;
  if (c.minAnswerTokens !== undefined) next.minAnswerTokens = c.minAnswerTokens;
  if (c.defaultUserLimits) next.defaultUserLimits = mergeDefaults(before.defaultUserLimits, c.defaultUserLimits);
  if (c.paymentBounds) next.paymentBounds = mergePaymentBounds(before.paymentBounds, c.paymentBounds);
  const db = await getDb();
  await db.$transaction(async (tx) => {
    for (const [key, value] of Object.entries(next) as Array<[keyof Settings, Settings[keyof Settings]]>) {
      await setSetting(key, value as never, tx);
    }
    const keys = Object.keys(next) as Array<keyof Settings>;
    await writeAudit(
      {
        actor: input.actor,
        action: "config.update",
        targetType: "setting",
        targetId: keys.join(","),
        before: pick(before, keys),
        after: next,
      },
      tx,
    );
  });
  return getAdminConfig();
}

function pick(s: Settings, keys: Array<keyof Settings>) {
  return Object.fromEntries(keys.map((k) => [k, s[k]]));
}

export async function getBedrockRegions() {
  return { regions: await getSetting("bedrockRegions") };
}

/** "us-east-1, eu-west-1" or ["us-east-1"] → a checked, de-duplicated list (empty clears it). */
export async function setBedrockRegions(input: { regions: string | string[]; actor: Actor }) {
  const list = (Array.isArray(input.regions) ? input.regions : input.regions.split(","))
    .map((r) => r.trim())
    .filter(Boolean);
  const { regions } = parseWith(
    z.object({ regions: settingSchemas.bedrockRegions.max(32, "must list at most 32 regions") }),
    { regions: [...new Set(list)] },
  );
  const before = await getSetting("bedrockRegions");
  const db = await getDb();
  await db.$transaction(async (tx) => {
    await setSetting("bedrockRegions", regions, tx);
    await writeAudit(
      {
        actor: input.actor,
        action: "config.regions",
        targetType: "setting",
        targetId: "bedrockRegions",
        before: { regions: before },
        after: { regions },
      },
      tx,
    );
  });
  return { regions };
}
