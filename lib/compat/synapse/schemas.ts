import { z } from "zod";
import { passwordSchema } from "@/lib/validations/auth";

// SynapseChat's request bodies and parameters, as its document gives them.

const name = z
  .string()
  .trim()
  .min(1, "is required")
  .max(64, "must be at most 64 characters")
  .regex(/^[\w.@+-]+$/, "may hold letters, digits and . _ @ + - only");
/** A number, or a string of digits as SynapseChat's admin panel sends it. */
const count = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^\d{1,10}$/, "must be a whole number"),
  ])
  .transform(Number)
  .pipe(z.number().int("must be a whole number").min(0, "must not be negative").max(1_000_000_000));

export const synapseSessionParams = z.object({
  session_id: z
    .string()
    .trim()
    .min(1, "is required")
    .max(128, "must be at most 128 characters")
    .regex(/^[\w.:-]+$/, "may hold letters, digits and . _ : - only"),
});
export const synapseChatSchema = z
  .object({ model: z.string().trim().min(1, "is required").max(256), prompt: z.string().min(1, "is required") })
  .strict();

export const synapseUserSchema = z
  .object({
    username: name,
    password: passwordSchema.optional(),
    daily_limit: count.nullish(),
    is_admin: z.boolean().optional(),
  })
  .strict();
export const synapseUsernameParams = z.object({ username: name });

export const synapseConfigSchema = z
  .object({
    port: z
      .union([
        z.number(),
        z
          .string()
          .trim()
          .regex(/^\d{1,5}$/, "must be a port number"),
      ])
      .transform(Number)
      .optional(),
    daily_limit: count.nullish(),
  })
  .strict();

export const synapseLogsQuery = z.object({
  lines: z.coerce
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(5000, "must be at most 5000")
    .default(100),
});
export const synapseModelParams = z.object({
  name: z
    .string()
    .trim()
    .min(1, "is required")
    .max(200)
    .regex(/^[\w.:/-]+$/, "must be a model name"),
});
export const synapseIdParams = z.object({ id: z.string().trim().min(1, "is required").max(128) });
