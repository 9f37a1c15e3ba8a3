import { z } from "zod";

// Shared by the register/login forms and their route handlers.

/** Control characters (CR/LF would split a mail header or a log line). */
export function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
export const displayNameSchema = z
  .string()
  .trim()
  .max(100, "must be at most 100 characters")
  .refine((v) => !hasControlCharacter(v), "must not contain control characters (line breaks, tabs)");
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("must be a valid email address"))
  .pipe(z.string().max(254));
export const passwordSchema = z
  .string()
  .min(8, "must be at least 8 characters")
  .max(200, "must be at most 200 characters");

export const registerSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: displayNameSchema.optional().default(""),
});

export const loginSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "is required").max(200),
});

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, "is required").max(200),
  newPassword: passwordSchema,
});

/** POST /api/auth/token: JSON `{email, password}`, or OAuth2's password and refresh_token grants (JSON or form-encoded). */
export const tokenRequestSchema = z
  .object({
    grant_type: z.enum(["password", "refresh_token"], "must be password or refresh_token").optional(),
    email: emailSchema.optional(),
    username: emailSchema.optional().describe("OAuth2's name for the email address"),
    password: z.string().min(1, "is required").max(200).optional(),
    refresh_token: z.string().min(1, "is required").max(200).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.grant_type === "refresh_token") {
      if (!v.refresh_token)
        ctx.addIssue({ code: "custom", path: ["refresh_token"], message: "is required for grant_type=refresh_token" });
      return;
    }
    if (!v.email && !v.username)
      ctx.addIssue({ code: "custom", path: ["email"], message: "is required (or username)" });
    if (!v.password) ctx.addIssue({ code: "custom", path: ["password"], message: "is required" });
  });

export const forgotPasswordSchema = z.object({ email: emailSchema });

export const resetPasswordSchema = z.object({
  token: z.string().min(1, "is required").max(100),
  password: passwordSchema,
});

export const verifyEmailSchema = z.object({ token: z.string().min(1, "is required").max(100) });

/** GET /sso: documented here; the handoff reads the query itself (errors are an HTML page). */
export const ssoQuerySchema = z.object({
  token: z.string().optional().describe("The host application's signed JWT"),
  s: z.string().optional().describe("The same token under the seed chat app's name"),
  return_to: z.string().optional().describe("A path on this server to go to afterwards (default /)"),
});
