import { z } from "zod";
import { apiKeyApplySchema, apiKeyRechargeSchema, apiKeyUpdateSchema, idSchema } from "@/lib/validations/admin";
import { emailSchema } from "@/lib/validations/auth";

// BRConnector's admin API as its clients send it: the native schemas, widened only where its
// documented samples differ — numeric ids (`"id": 2`, `"group_id": 1`) and `"email": ""` (a key
// with no person behind it). See docs/migrating.md.

/** A key or group as BRConnector names it: its number, or Tollgate's own id. */
export const brIdSchema = z.union(
  [z.number().int("must be a whole number").positive("must be a positive number").max(2_147_483_647), idSchema],
  "must be a number or an id",
);

export const brApplySchema = apiKeyApplySchema.extend({
  email: z.union([z.literal(""), emailSchema]).nullish(),
  group_id: brIdSchema.nullish(),
});

/** `"id": 2` read as the key's number "2" (lib/compat/brconnector/ids.ts tells numbers from ids). */
const numericId = (v: unknown) =>
  v && typeof v === "object" && typeof (v as { id?: unknown }).id === "number"
    ? { ...v, id: String((v as { id: number }).id) }
    : v;

export const brUpdateSchema = z.preprocess(numericId, apiKeyUpdateSchema);

export const brRechargeSchema = z.preprocess(numericId, apiKeyRechargeSchema);
