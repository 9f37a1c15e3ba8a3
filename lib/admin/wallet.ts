import "server-only";
import { parseAmountOrThrow, type WalletSettings } from "@/lib/billing/ledger";
import type { LimitFields } from "@/lib/validations/admin";

// The limit fields of the admin API (snake_case, money as text) as a wallet update for adjustWallet.
// Money is parsed exactly and named by its field when it is wrong; null removes a limit.

function money(value: string | number | null | undefined, field: string): bigint | null | undefined {
  if (value === undefined || value === null) return value;
  return parseAmountOrThrow(value, field, { allowZero: true });
}

function tokens(value: string | number | null | undefined): bigint | null | undefined {
  if (value === undefined || value === null) return value;
  return BigInt(value);
}

export function walletSettingsFrom(input: LimitFields): WalletSettings | null {
  const set: WalletSettings = {
    balance: money(input.balance, "balance"),
    monthlyQuota: money(input.month_quota, "month_quota"),
    tokenAllowance: tokens(input.token_allowance),
    grantAmount: tokens(input.grant_amount),
    grantPeriodSeconds: input.grant_period_seconds,
    dailyRequestLimit: input.daily_request_limit,
    rpm: input.rpm,
    tpm: input.tpm,
  };
  const given = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined)) as WalletSettings;
  return Object.keys(given).length ? given : null;
}
