import { z } from "zod";

// Shared by the register/login forms and their route handlers.
export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("must be a valid email address")).pipe(z.string().max(254));
export const passwordSchema = z.string().min(8, "must be at least 8 characters").max(200, "must be at most 200 characters");

export const registerSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: z.string().trim().max(100, "must be at most 100 characters").optional().default(""),
});

export const loginSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "is required").max(200),
});

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, "is required").max(200),
  newPassword: passwordSchema,
});
