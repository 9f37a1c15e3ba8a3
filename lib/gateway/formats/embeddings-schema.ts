import { z } from "zod";

// The OpenAI embeddings request (POST /v1/embeddings), shared by the route and the OpenAPI document.

const text = z.string().min(1, "must not be an empty string");
const tokens = z.array(z.number().int().min(0).max(10_000_000)).min(1, "must not be an empty array").max(1_000_000);
const MAX_INPUTS = 2048;

export const embeddingsRequestSchema = z
  .object({
    model: z.string().min(1, "is required").max(256),
    input: z.union(
      [
        text,
        z.array(text).min(1, "must not be an empty array").max(MAX_INPUTS, `may hold at most ${MAX_INPUTS} inputs`),
        tokens,
        z.array(tokens).min(1, "must not be an empty array").max(MAX_INPUTS, `may hold at most ${MAX_INPUTS} inputs`),
      ],
      {
        error: "must be a non-empty string, an array of strings, an array of token ids or an array of token-id arrays",
      },
    ),
    encoding_format: z.enum(["float", "base64"], { message: "must be float or base64" }).optional(),
    dimensions: z.number().int().min(1, "must be a positive integer").max(65_536).optional(),
    user: z.string().max(256).optional(),
  })
  .loose();

export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;
