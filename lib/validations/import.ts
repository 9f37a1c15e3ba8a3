import { z } from "zod";
import { amountInput } from "./admin";
import { emailSchema } from "./auth";

// Rows of the key and user imports (JSON rows or CSV cells, so numbers may come as text) and the
// request bodies that carry them. Money stays a string or number until lib/ parses it exactly.

const count = (max: number) =>
  z.coerce
    .number("must be a whole number")
    .int("must be a whole number")
    .positive("must be greater than zero")
    .max(max, `must be at most ${max}`);

/** An existing key from another system: any prefix, no spaces, long enough not to be guessed. */
export const importedKeyText = z
  .string()
  .trim()
  .regex(/^[\x21-\x7e]{32,256}$/, "must be 32 to 256 characters without spaces (an existing key like br_…)");

export const keyImportRowSchema = z
  .object({
    key: importedKeyText,
    email: emailSchema,
    name: z.string().trim().min(1).max(100, "must be at most 100 characters").optional(),
    balance: amountInput.optional(),
    month_quota: amountInput.optional(),
  })
  .strict();

export const userImportRowSchema = z
  .object({
    email: emailSchema,
    name: z.string().trim().max(100, "must be at most 100 characters").optional(),
    group: z.string().trim().min(1).max(64, "must be at most 64 characters").optional(),
    balance: amountInput.optional(),
    month_quota: amountInput.optional(),
    daily_request_limit: count(1_000_000_000).optional(),
    rpm: count(10_000_000).optional(),
    tpm: count(1_000_000_000).optional(),
  })
  .strict();

/** CSV headers other systems use for the same columns. */
export const keyImportColumns: Record<string, string> = {
  api_key: "key",
  apikey: "key",
  mail: "email",
  quota: "month_quota",
  month_quota: "month_quota",
};
export const userImportColumns: Record<string, string> = {
  mail: "email",
  quota: "month_quota",
  daily_limit: "daily_request_limit",
};

const importBody = (row: z.ZodType) =>
  z
    .object({
      rows: z
        .array(z.unknown())
        .min(1, "must list at least one row")
        .max(10_000, "must list at most 10000 rows")
        .optional(),
      csv: z.string().min(1, "must not be empty").max(5_000_000, "must be at most 5 MB").optional(),
      dry_run: z.boolean().optional(),
    })
    .strict()
    .refine((b) => (b.rows === undefined) !== (b.csv === undefined), {
      message: "give either rows or csv",
      path: ["rows"],
    })
    .meta({
      description: `rows: objects like ${JSON.stringify(Object.keys((row as z.ZodObject).shape))}; or csv: the same as a CSV text with a header line`,
    });

export const keyImportBodySchema = importBody(keyImportRowSchema);
export const userImportBodySchema = importBody(userImportRowSchema);
