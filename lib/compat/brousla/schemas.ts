import { z } from "zod";
import { emailSchema, passwordSchema } from "@/lib/validations/auth";

// Brousla's request bodies, as its document gives them.

export const brouslaRegisterSchema = z.object({ email: emailSchema, password: passwordSchema }).strict();
export const brouslaLoginSchema = z
  .object({ email: emailSchema, password: z.string().min(1, "is required").max(200) })
  .strict();

const message = z
  .object({ role: z.enum(["system", "user", "assistant"], "must be system, user or assistant"), content: z.string() })
  .strict();
export const brouslaChatSchema = z
  .object({
    messages: z.array(message).min(1, "must not be empty").max(1000),
    model: z.string().trim().min(1).max(256).optional(),
    temperature: z.number().min(0, "must be between 0 and 2").max(2, "must be between 0 and 2").optional(),
    stream: z.boolean().optional(),
  })
  .strict();
