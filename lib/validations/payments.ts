import { z } from "zod";
import { idSchema, listQuery } from "./admin";

// Payment inputs. Amounts stay `unknown` here and are parsed exactly (bigint) in lib/payments.

export const checkoutSchema = z.object({ amount: z.unknown() }).strict();

const money = z.union([z.string(), z.number()]).nullable();

export const billingPreferencesSchema = z
  .object({
    autoTopUp: z
      .object({ below: z.union([z.string(), z.number()]), amount: z.union([z.string(), z.number()]) })
      .nullable()
      .optional(),
    lowBalanceBelow: money.optional(),
    quotaAlertPercent: z.number().int().min(1).max(100).nullable().optional(),
  })
  .strict();

export const paymentStates = ["PENDING", "PAID", "FAILED", "REFUNDED", "DISPUTED"] as const;

export const stripePaymentListQuery = listQuery({
  user_id: idSchema.optional(),
  state: z.enum(paymentStates).optional(),
});
export const userPaymentListQuery = listQuery({});

export const refundSchema = z.object({ amount: z.union([z.string(), z.number()]).optional() }).strict();
