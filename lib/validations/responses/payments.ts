import { z } from "zod";
import type { listPayments, listStripePayments } from "@/lib/payments/queries";
import type { requestRefund } from "@/lib/payments/refund";
import { paymentStates } from "../payments";
import { money, page, timestamp, userBrief } from "./common";
import type { Answer, Equals, Expect } from "./exact";

// What the payment routes answer: recharges (manual and Stripe) and Stripe top-ups, for an admin
// and for the user who paid.

const paymentState = z.enum(paymentStates);

/** A recharge: a wallet's credit, by an admin (manual) or through a Stripe top-up. */
export const rechargeListResponse = page(
  z.object({
    id: z.string(),
    source: z.enum(["stripe", "manual"]),
    amount: money,
    balanceAfter: money,
    note: z.string(),
    actorId: z.string().nullable(),
    createdAt: timestamp,
    wallet: z.object({
      scope: z.enum(["GROUP", "USER", "KEY"]),
      user: userBrief.nullable(),
      apiKey: z.object({ id: z.string(), name: z.string(), prefix: z.string() }).nullable(),
      group: z.object({ id: z.string(), name: z.string() }).nullable(),
    }),
    payment: z
      .object({
        id: z.string(),
        state: paymentState,
        checkoutSessionId: z.string().nullable(),
        paymentIntentId: z.string().nullable(),
        chargeId: z.string().nullable(),
      })
      .nullable(),
  }),
);

/** A Stripe top-up with what it credited and what was refunded or disputed since. */
export const stripePaymentView = z.object({
  id: z.string(),
  kind: z.enum(["CHECKOUT", "AUTO_TOP_UP"]),
  state: paymentState,
  amount: money,
  currency: z.string(),
  credited: money,
  refunded: money,
  disputed: money,
  checkoutSessionId: z.string().nullable(),
  paymentIntentId: z.string().nullable(),
  chargeId: z.string().nullable(),
  failureReason: z.string().nullable(),
  paidAt: timestamp.nullable(),
  createdAt: timestamp,
  user: userBrief.extend({ disputeFlaggedAt: timestamp.nullable() }),
});

export const stripePaymentListResponse = page(stripePaymentView).extend({
  totals: z
    .array(z.object({ day: z.string(), count: z.number(), credited: money, refunded: money, disputed: money }))
    .describe("Per UTC day over the last 30 days, newest first"),
});

export const refundResponse = z.object({
  refundId: z.string(),
  amount: money,
  state: z.literal("requested").describe("The balance changes when Stripe's webhook confirms the refund"),
});

// Each schema is exactly what its lib function answers (tsc fails otherwise).
type _Exact = [
  Expect<Equals<z.output<typeof rechargeListResponse>, Answer<typeof listPayments>>>,
  Expect<Equals<z.output<typeof stripePaymentListResponse>, Answer<typeof listStripePayments>>>,
  Expect<Equals<z.output<typeof refundResponse>, Answer<typeof requestRefund>>>,
];
