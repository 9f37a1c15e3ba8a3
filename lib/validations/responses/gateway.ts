import { z } from "zod";
import type { listModelsForCaller, modelForCallerOrThrow } from "@/lib/gateway/models";
import { money } from "./common";
import type { Answer, Equals, Expect } from "./exact";

// What the OpenAI-compatible model routes answer (the completions themselves follow OpenAI's and
// Anthropic's own shapes).

/** A model in OpenAI's shape, with Tollgate's kind, limits and prices per million tokens. */
export const modelObject = z.object({
  id: z.string(),
  object: z.string(),
  created: z.number(),
  owned_by: z.string(),
  kind: z.enum(["embedding", "chat"]),
  description: z.string(),
  context_window: z.number().nullable(),
  max_output_tokens: z.number().nullable(),
  supports_images: z.boolean(),
  supports_tools: z.boolean(),
  supports_files: z.boolean(),
  pricing: z.object({
    input_per_million: money,
    output_per_million: money,
    cached_input_per_million: money.nullable(),
  }),
});

export const modelListResponse = z.object({ object: z.literal("list"), data: z.array(modelObject) });

// Each schema is exactly what its lib function answers (tsc fails otherwise).
type _Exact = [
  Expect<Equals<z.output<typeof modelObject>, Answer<typeof modelForCallerOrThrow>>>,
  Expect<Equals<z.output<typeof modelListResponse>["data"], Answer<typeof listModelsForCaller>>>,
];
