// GET /api/admin/config (lib/settings/admin.ts): money as decimal text, token counts as text.

export type DefaultUserLimits = {
  balance: string | null;
  monthlyQuota: string | null;
  tokenAllowance: string | null;
  grantAmount: string | null;
  grantPeriodSeconds: number | null;
  dailyRequestLimit: number | null;
  rpm: number | null;
  tpm: number | null;
};

export type AdminConfig = {
  registrationOpen: boolean;
  globalDailyLimit: number | null;
  defaultUserLimits: DefaultUserLimits;
  rateLimitFailOpen: boolean;
  minAnswerTokens: number;
};
