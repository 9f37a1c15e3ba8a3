import { z } from "zod";
import { amountInput } from "@/lib/validations/admin";
import { emailSchema, passwordSchema } from "@/lib/validations/auth";

// Bothub's request bodies, as its document gives them.

const namePart = z.string().trim().max(100, "must be at most 100 characters");

export const bothubRegisterSchema = z
  .object({
    firstName: namePart.optional(),
    lastName: namePart.optional(),
    mail: emailSchema,
    phone: z.string().trim().max(32, "must be at most 32 characters").optional(),
    role: z.enum(["USER", "ADMIN"], "must be USER or ADMIN").optional(),
    password: passwordSchema,
  })
  .strict();

export const bothubLoginSchema = z
  .object({ mail: emailSchema, password: z.string().min(1, "is required").max(200) })
  .strict();
export const bothubRefreshSchema = z.object({ refreshToken: z.string().min(1, "is required").max(200) }).strict();

export const bothubTransactionSchema = z
  .object({
    amount: amountInput,
    type: z.string().trim().max(32).optional(),
    description: z.string().max(500).optional(),
  })
  .strict();

export const bothubModelSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "is required")
      .max(128)
      .regex(/^[\w.:/@-]+$/, "may contain letters, digits and . : / @ _ - only"),
    description: z.string().max(2000).optional(),
    token_cost: amountInput,
    api_link: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(2048),
    auth_token: z.string().max(4096).optional(),
  })
  .strict();

const uid = z
  .string()
  .trim()
  .min(1, "is required")
  .max(64)
  .regex(/^[\w:.@/-]+$/, "must be an id");
export const bothubMessageSchema = z
  .object({
    role: z.literal("user", "must be user"),
    message: z.string().min(1, "is required").max(100_000),
    chatUid: uid,
    modelUid: uid,
  })
  .strict();
export const bothubChatParams = z.object({ chatUid: uid });
