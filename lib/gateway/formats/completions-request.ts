import { z } from "zod";

// OpenAI's legacy completions request (POST /v1/completions), as OpenAI's published OpenAPI
// document (openai/openai-openapi, CreateCompletionRequest) describes it; what a chat model cannot
// do is refused by name.

const penalty = z.number().min(-2).max(2).nullish();

export const completionRequestSchema = z
  .object({
    model: z.string().min(1, "is required").max(256),
    prompt: z.union(
      [
        z.string(),
        z.array(z.string()).min(1, "must contain at least one prompt").max(16),
        z.array(z.number()),
        z.array(z.array(z.number())),
      ],
      {
        error: (issue) =>
          issue.input === undefined || issue.input === null
            ? "is required: a string or an array of strings"
            : "must be a string or an array of strings",
      },
    ),
    suffix: z
      .null({ error: "suffix (text insertion) is not supported by this gateway's chat models; leave it out" })
      .optional(),
    echo: z.literal([false, null], { error: "echo is not supported: the answer cannot repeat the prompt" }).optional(),
    best_of: z.number().int().min(0).max(1, "best_of above 1 is not supported").nullish(),
    logprobs: z.null({ error: "logprobs are not supported on /v1/completions" }).optional(),
    max_tokens: z.number().int().min(1, "must be at least 1 (echo is not supported)").max(10_000_000).nullish(),
    n: z.number().int().min(1).max(16).nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    presence_penalty: penalty,
    frequency_penalty: penalty,
    seed: z.number().int().nullish(),
    stop: z.union([z.string(), z.array(z.string()).min(1).max(4)]).nullish(),
    logit_bias: z.record(z.string(), z.number().int()).nullish(),
    user: z.string().optional(),
  })
  .loose();

export type CompletionRequest = z.infer<typeof completionRequestSchema>;
