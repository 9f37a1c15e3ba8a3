import { z } from "zod";
import type { getLimitsView } from "@/lib/billing/limits-view";
import type { createOwnKey } from "@/lib/chat/keys";
import type { usageForUser } from "@/lib/chat/usage";
import type { getSessionDetailOrThrow, getThreadDetailOrThrow, listSessions, listThreads } from "@/lib/history/queries";
import type { listKeysForUser, revokeApiKey } from "@/lib/keys/service";
import type { startCheckout } from "@/lib/payments/checkout";
import type { getPaymentOptions } from "@/lib/payments/config";
import type { getBillingPreferences, updateBillingPreferences } from "@/lib/payments/preferences";
import type { getPaymentForUserOrThrow, listPaymentsForUser } from "@/lib/payments/queries";
import { money, page, role, timestamp } from "./common";
import type { Answer, EachEquals, Equals, Expect, Flat, Sent } from "./exact";
import { ownSessionItem, ownThreadDetail, ownThreadItem, sessionMessage, sessionRequest } from "./history";
import { stripePaymentView } from "./payments";

// What the user routes answer: the caller's own limits, keys, history, usage and top-ups.

/** Each level that limits the caller (their key, themselves, their group), with what is left. */
export const limitsResponse = z.object({
  balance: money.nullable().describe("What the caller can spend now: the smallest balance of all levels"),
  levels: z.array(
    z.object({
      scope: z.enum(["USER", "GROUP", "KEY"]),
      balance: money.nullable(),
      reserved: money,
      monthlyQuota: money.nullable(),
      monthSpent: money,
      monthLeft: money.nullable(),
      tokenAllowance: z.string().nullable(),
      grantAmount: z.string().nullable(),
      nextGrantAt: z.string().nullable(),
      dailyRequestLimit: z.number().nullable(),
      dailyUsed: z.number(),
      dailyRemaining: z.number().nullable(),
      rpm: z.number().nullable(),
      tpm: z.number().nullable(),
    }),
  ),
});

// --- keys ----------------------------------------------------------------------------------------

/** One of the caller's keys (never the secret). */
export const ownKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role,
  userId: z.string(),
  allowedModels: z.array(z.string()),
  expiresAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
  lastUsedAt: timestamp.nullable(),
  createdAt: timestamp,
});
export const ownKeyListResponse = z.object({ items: z.array(ownKey) });
export const ownKeyCreatedResponse = z.object({
  key: z.string().describe("The secret: shown in this answer only"),
  record: ownKey,
});
export const ownKeyRevokedResponse = z.object({ record: ownKey });

// --- history and usage ---------------------------------------------------------------------------

export const ownSessionListResponse = page(ownSessionItem);
export const ownSessionDetailResponse = z.object({
  session: ownSessionItem,
  messages: z.array(sessionMessage),
  requests: z.array(sessionRequest),
});
export const ownThreadListResponse = page(ownThreadItem);
export { ownThreadDetail as ownThreadDetailResponse };

const usageSums = { requests: z.number(), promptTokens: z.number(), completionTokens: z.number(), cost: money };
export const ownUsageResponse = z.object({
  from: z.string(),
  to: z.string(),
  items: z.array(z.object({ day: z.string(), model: z.string(), ...usageSums })),
  totals: z.object(usageSums),
});

// --- payments and billing ------------------------------------------------------------------------

export const ownPaymentListResponse = page(stripePaymentView);

export const paymentOptionsResponse = z.union([
  z.object({ enabled: z.literal(false) }),
  z.object({
    enabled: z.literal(true),
    currency: z.string(),
    decimals: z.number(),
    minimum: money,
    maximum: money,
    presets: z.array(money),
  }),
]);

export const checkoutResponse = z.object({
  id: z.string(),
  url: z.string().describe("Stripe's hosted checkout page"),
  amount: money,
  currency: z.string(),
});

export const billingPreferencesResponse = z.object({
  paymentsEnabled: z.boolean(),
  cardSaved: z.boolean(),
  autoTopUp: z.object({ below: money, amount: money }).nullable(),
  lowBalanceBelow: money.nullable(),
  quotaAlertPercent: z.number().nullable(),
});

// Each schema is exactly what its lib function answers the caller (tsc fails otherwise); history
// rows are the owner-less variant the lib returns when `ownerId` is set.
type Own<T> = Exclude<T, { userId: string; user: unknown }>;
type Item<F extends (...args: never[]) => unknown> = Answer<F> extends { items: Array<infer T> } ? T : never;
type SessionDetailAnswer = Answer<typeof getSessionDetailOrThrow>;
type _Exact = [
  Expect<Equals<z.output<typeof limitsResponse>, Answer<typeof getLimitsView>>>,
  Expect<Equals<z.output<typeof ownKeyListResponse>, { items: Answer<typeof listKeysForUser> }>>,
  Expect<Equals<keyof z.output<typeof ownKeyCreatedResponse>, keyof Answer<typeof createOwnKey>>>,
  Expect<Equals<z.output<typeof ownKeyCreatedResponse>["key"], Answer<typeof createOwnKey>["key"]>>,
  Expect<EachEquals<Answer<typeof createOwnKey>["record"], z.output<typeof ownKey>>>,
  Expect<Equals<z.output<typeof ownKeyRevokedResponse>, { record: Answer<typeof revokeApiKey> }>>,
  Expect<Equals<z.output<typeof ownSessionItem>, Own<Item<typeof listSessions>>>>,
  Expect<
    Equals<
      z.output<typeof ownSessionDetailResponse>,
      Flat<Omit<SessionDetailAnswer, "session"> & { session: Own<SessionDetailAnswer["session"]> }>
    >
  >,
  Expect<Equals<z.output<typeof ownThreadItem>, Own<Item<typeof listThreads>>>>,
  Expect<Equals<z.output<typeof ownThreadDetail>, Own<Answer<typeof getThreadDetailOrThrow>>>>,
  Expect<Equals<z.output<typeof ownUsageResponse>, Answer<typeof usageForUser>>>,
  Expect<Equals<z.output<typeof ownPaymentListResponse>, Answer<typeof listPaymentsForUser>>>,
  Expect<Equals<z.output<typeof stripePaymentView>, Answer<typeof getPaymentForUserOrThrow>>>,
  Expect<Equals<z.output<typeof paymentOptionsResponse>, Sent<Answer<typeof getPaymentOptions>>>>,
  Expect<Equals<z.output<typeof checkoutResponse>, Answer<typeof startCheckout>>>,
  Expect<Equals<z.output<typeof billingPreferencesResponse>, Answer<typeof getBillingPreferences>>>,
  Expect<Equals<z.output<typeof billingPreferencesResponse>, Answer<typeof updateBillingPreferences>>>,
];
