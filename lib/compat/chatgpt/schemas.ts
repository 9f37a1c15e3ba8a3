import { z } from "zod";
import { emailSchema } from "@/lib/validations/auth";

// The ChatGPT-style app's query parameters and bodies, as its document gives them.

const s = z.string().trim().min(1, "is required").max(4096);
const id = z.string().trim().min(1, "is required").max(128);
const isoDate = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date" })
  .or(z.iso.date({ message: "must be an ISO 8601 date" }));
const count = (max: number, def: number) =>
  z.coerce
    .number()
    .int("must be a whole number")
    .min(0, "must not be negative")
    .max(max, `must be at most ${max}`)
    .default(def);

export const chatgptThreadQuery = z.object({ s });
export const chatgptFileQuery = z.object({
  id: z
    .string()
    .trim()
    .min(1, "is required")
    .max(140)
    .regex(/^[\w-]+:\d{1,2}$/, "must be <message id>:<part>"),
  s,
});
export const chatgptFlagQuery = z.object({ t: id, m: id, s });
export const chatgptMessageQuery = z.object({ t: id, m: z.string().min(1, "is required").max(100_000), s });

export const chatgptRangeQuery = z.object({ date_from: isoDate.optional(), date_to: isoDate.optional() });
export const chatgptResumeSchema = z
  .object({
    stats: z.record(z.string(), z.unknown()).optional(),
    model: z.string().trim().min(1).max(128).optional(),
    date_from: isoDate.optional(),
    date_to: isoDate.optional(),
  })
  .strict();
export const chatgptTransactionsQuery = z.object({
  limit: count(200, 50).pipe(z.number().min(1, "must be at least 1")),
  start: count(1_000_000_000, 0),
  date_from: isoDate.optional(),
  date_to: isoDate.optional(),
});
export const chatgptUsersQuery = z.object({
  limit: count(200, 50).pipe(z.number().min(1, "must be at least 1")),
  start: count(1_000_000_000, 0),
});
export const chatgptIdParams = z.object({ id });
const tokens = z.union([
  z.number().int("must be a whole number").min(0).max(1e15),
  z.string().regex(/^\d{1,15}$/, "must be a whole number"),
]);
export const chatgptTokensSchema = z
  .object({ token_balance: tokens.nullable().optional(), token_grant: tokens.nullable().optional() })
  .strict();
export const chatgptIntTokensQuery = z.object({ id, quota: z.string().regex(/^\d{1,15}$/, "must be a whole number") });
export const chatgptIntTokensBody = z
  .object({
    int: z
      .object({ email: emailSchema.optional(), name: z.string().max(100).optional() })
      .loose()
      .optional(),
  })
  .loose();
