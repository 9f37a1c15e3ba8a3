import "server-only";
import type { z } from "zod";
import { parseAmountOrThrow } from "@/lib/billing/ledger";
import { formatMoney } from "@/lib/billing/money";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { billingPreferencesSchema } from "@/lib/validations/payments";
import { parseTopUpAmountOrThrow } from "./checkout";
import { paymentsEnabled } from "./config";

// A user's billing choices: auto top-up ("when my balance falls below X, add Y", only once a
// checkout saved a card) and the low-balance / monthly-quota alert thresholds.

type Input = z.infer<typeof billingPreferencesSchema>;

export async function getBillingPreferences(userId: string) {
  const db = await getDb();
  const p = await db.billingProfile.findUnique({ where: { userId } });
  const money = (v: bigint | null | undefined) => (v == null ? null : formatMoney(v));
  return {
    paymentsEnabled: paymentsEnabled(),
    cardSaved: Boolean(p?.paymentMethodId),
    autoTopUp:
      p?.autoTopUpBelow != null && p.autoTopUpAmount != null
        ? { below: money(p.autoTopUpBelow)!, amount: money(p.autoTopUpAmount)! }
        : null,
    lowBalanceBelow: money(p?.lowBalanceBelow),
    quotaAlertPercent: p?.quotaAlertPercent ?? null,
  };
}

export async function updateBillingPreferences(userId: string, input: Input) {
  const db = await getDb();
  const data: {
    autoTopUpBelow?: bigint | null;
    autoTopUpAmount?: bigint | null;
    lowBalanceBelow?: bigint | null;
    lowBalanceAlerted?: boolean;
    quotaAlertPercent?: number | null;
  } = {};
  if (input.autoTopUp !== undefined) {
    if (input.autoTopUp === null) Object.assign(data, { autoTopUpBelow: null, autoTopUpAmount: null });
    else {
      if (!paymentsEnabled()) throw new AppError("not_found", "Payments are not enabled on this server");
      const profile = await db.billingProfile.findUnique({ where: { userId } });
      if (!profile?.paymentMethodId)
        throw new AppError("conflict", "Auto top-up needs a saved card: add credit once first");
      data.autoTopUpBelow = parseAmountOrThrow(input.autoTopUp.below, "autoTopUp.below", { allowZero: true });
      data.autoTopUpAmount = (await parseTopUpAmountOrThrow(input.autoTopUp.amount, "autoTopUp.amount")).micros;
    }
  }
  if (input.lowBalanceBelow !== undefined) {
    data.lowBalanceBelow =
      input.lowBalanceBelow === null
        ? null
        : parseAmountOrThrow(input.lowBalanceBelow, "lowBalanceBelow", { allowZero: true });
    data.lowBalanceAlerted = false;
  }
  if (input.quotaAlertPercent !== undefined) data.quotaAlertPercent = input.quotaAlertPercent;
  await db.billingProfile.upsert({ where: { userId }, create: { userId, ...data }, update: data });
  return getBillingPreferences(userId);
}
