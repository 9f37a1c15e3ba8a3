import { z } from "zod";

// The Anthropic Messages request (POST /v1/messages) and its count_tokens variant, shared by the
// route and the OpenAPI document. cache_control, metadata and unknown fields are accepted and ignored.

const cacheControl = { cache_control: z.unknown().optional() };
const textBlock = z.looseObject({ type: z.literal("text"), text: z.string(), ...cacheControl });
const imageBlock = z.looseObject({
  type: z.literal("image"),
  source: z.discriminatedUnion("type", [
    z.looseObject({
      type: z.literal("base64"),
      media_type: z.string().regex(/^image\/[\w.+-]+$/, "must be an image media type"),
      data: z.string().min(1),
    }),
    z.looseObject({ type: z.literal("url"), url: z.url({ protocol: /^https?$/ }) }),
  ]),
});
const toolUseBlock = z.looseObject({
  type: z.literal("tool_use"),
  id: z.string().min(1).max(256),
  name: z.string().min(1).max(128),
  input: z.unknown(),
});
const toolResultBlock = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1).max(256),
  content: z.union([z.string(), z.array(z.union([textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
});
// Thinking blocks of earlier turns are the model's own notes: accepted, and not sent upstream.
const thinkingBlock = z.looseObject({ type: z.enum(["thinking", "redacted_thinking"]) });
const block = z.discriminatedUnion("type", [textBlock, imageBlock, toolUseBlock, toolResultBlock, thinkingBlock], {
  error: "a content block's type must be text, image, tool_use, tool_result or thinking",
});

const message = z.looseObject({
  role: z.enum(["user", "assistant"], { message: "must be user or assistant" }),
  content: z.union([z.string(), z.array(block)], { error: "must be a string or an array of content blocks" }),
});

const tool = z.looseObject({
  name: z.string().min(1).max(128),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.string() }).optional(),
  type: z.string().optional(),
});

export const countTokensRequestSchema = z.looseObject({
  model: z.string().min(1, "is required").max(256),
  messages: z.array(message).min(1, "must contain at least one message").max(10_000),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(tool).max(512).optional(),
  tool_choice: z
    .looseObject({
      type: z.enum(["auto", "any", "tool", "none"], { message: "must be auto, any, tool or none" }),
      name: z.string().optional(),
    })
    .refine((c) => c.type !== "tool" || !!c.name, { message: "needs a name when its type is tool", path: ["name"] })
    .optional(),
});

export const messagesRequestSchema = countTokensRequestSchema.extend({
  max_tokens: z.number({ error: "is required: the most tokens to generate" }).int().min(1).max(10_000_000),
  stop_sequences: z.array(z.string().min(1)).max(16).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  metadata: z.looseObject({ user_id: z.string().max(512).nullish() }).optional(),
});

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
export type Block = z.infer<typeof block>;
