import { z } from "zod";

// The three error shapes of lib/errors.ts: Tollgate's own, OpenAI's (/v1) and Anthropic's (/v1/messages).
// The OpenAPI document names them as its error responses; tests parse real answers with them.

export const errorSchema = z.object({
  error: z.looseObject({
    code: z.string().describe("A stable code such as validation_error, unauthorized, insufficient_balance"),
    message: z.string(),
    field: z.string().optional().describe("The request field at fault (validation errors)"),
  }),
});

export const openAiErrorSchema = z.object({
  error: z.looseObject({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});

export const anthropicErrorSchema = z.object({
  type: z.literal("error"),
  error: z.object({ type: z.string(), message: z.string() }),
});
