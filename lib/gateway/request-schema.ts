import { z } from "zod";

// The OpenAI chat-completions request, validated only as far as the gateway interprets it; every
// other field passes through to OpenAI-wire upstreams untouched.
const message = z
  .object({
    role: z.enum(["system", "developer", "user", "assistant", "tool", "function"], { message: "must be system, developer, user, assistant or tool" }),
    content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
  })
  .loose();

export const chatCompletionRequestSchema = z
  .object({
    model: z.string().min(1, "is required").max(256),
    messages: z.array(message).min(1, "must contain at least one message").max(10_000),
    stream: z.boolean().optional(),
    stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
    max_tokens: z.number().int().positive().max(10_000_000).nullish(),
    max_completion_tokens: z.number().int().positive().max(10_000_000).nullish(),
    n: z.number().int().min(1).max(16).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(16)]).nullish(),
    tools: z.array(z.looseObject({ type: z.string(), function: z.looseObject({ name: z.string().min(1).max(128) }).optional() })).max(512).optional(),
    tool_choice: z.unknown().optional(),
    response_format: z.looseObject({ type: z.string() }).nullish(),
  })
  .loose();

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

// Fields with which some gateways let a client pick the upstream. Tollgate never does; they are
// dropped so they do not even reach the provider.
const CLIENT_ROUTING_FIELDS = ["base_url", "api_base", "baseURL", "baseUrl", "api_key", "apiKey", "api_version", "custom_llm_provider", "endpoint", "url"];

export function withoutClientRouting(body: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...body };
  for (const f of CLIENT_ROUTING_FIELDS) delete copy[f];
  return copy;
}
