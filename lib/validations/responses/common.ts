import { z } from "zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Json } from "../json";

// Pieces several admin and user answers share.

/**
 * A stored JSON column (audit before/after, prompts, message parts), sent as it is. One level deep
 * on purpose: z.json() is recursive, and its JSON Schema's `#/$defs` references would point at the
 * OpenAPI document's root. Typed as Prisma's value so the exactness checks still see the column.
 */
export const jsonValue = z
  .union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.string(), z.unknown())])
  .describe("Any JSON value, as stored") as unknown as z.ZodType<Json<Prisma.JsonValue>>;

/** A Date as JSON.stringify writes it. */
export const timestamp = z.iso.datetime();

/** A money amount: exact decimal text (`"12.500000"`), never a float. */
export const money = z.string().describe('Exact decimal text, e.g. "12.500000"');

/** One page of a list: how many match in all, and this page's rows. */
export function page<T extends z.ZodType>(item: T) {
  return z.object({ total: z.number().int(), items: z.array(item) });
}

export const deletedResponse = z.object({ deleted: z.boolean(), id: z.string() });

export const userBrief = z.object({ id: z.string(), email: z.string(), name: z.string() });

export const role = z.enum(["USER", "ADMIN"]);
export const userStatus = z.enum(["ACTIVE", "DISABLED"]);
export const requestStatus = z.enum(["PENDING", "OK", "PARTIAL", "ERROR", "ABORTED"]);
export const sessionSource = z.enum(["CHAT", "API"]);

/** A wallet as presentLimit shows it; a null field means "no limit at this level". */
export const limitView = z.object({
  id: z.string(),
  scope: z.enum(["GROUP", "USER", "KEY"]),
  balance: money.nullable(),
  reserved: money,
  monthlyQuota: money.nullable(),
  monthSpent: money,
  tokenAllowance: z.string().nullable(),
  grantAmount: z.string().nullable(),
  grantPeriodSeconds: z.number().nullable(),
  lastGrantAt: timestamp.nullable(),
  dailyRequestLimit: z.number().nullable(),
  dayCount: z.number(),
  rpm: z.number().nullable(),
  tpm: z.number().nullable(),
});

/** An account as its owner and the admins see it (never the password hash). */
export const publicUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role,
  status: userStatus,
  emailVerifiedAt: timestamp.nullable(),
  groupId: z.string().nullable(),
  createdAt: timestamp,
});
