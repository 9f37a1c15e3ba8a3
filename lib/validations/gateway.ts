import { z } from "zod";

// The OpenAI chat-completions request, validated as OpenAI's published OpenAPI document
// (openai/openai-openapi, CreateChatCompletionRequest) refuses it — each message by its role — and
// otherwise only as far as the gateway interprets it; every other field passes through to
// OpenAI-wire upstreams untouched.

const textPart = z.looseObject({ type: z.literal("text"), text: z.string() });
const parts = <T extends z.ZodType>(part: T) => z.array(part).min(1, "must not be an empty array");
const userPart = z.discriminatedUnion(
  "type",
  [
    textPart,
    z.looseObject({ type: z.literal("image_url"), image_url: z.looseObject({ url: z.string() }) }),
    z.looseObject({
      type: z.literal("input_audio"),
      input_audio: z.looseObject({ data: z.string(), format: z.string() }),
    }),
    z.looseObject({ type: z.literal("file"), file: z.looseObject({}) }),
  ],
  { error: "a content part's type must be text, image_url, input_audio or file" },
);
const assistantPart = z.discriminatedUnion(
  "type",
  [textPart, z.looseObject({ type: z.literal("refusal"), refusal: z.string() })],
  {
    error: "an assistant content part's type must be text or refusal",
  },
);
/** The message for a field that is missing or null, or else of the wrong kind. */
const refusal = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined || issue.input === null ? `is required: ${what}` : `must be ${what}`;
const textContent = z.union([z.string(), parts(textPart)], { error: refusal("a string or an array of text parts") });
const name = z.string().optional();

const toolCall = z.discriminatedUnion(
  "type",
  [
    z.looseObject({
      id: z.string(),
      type: z.literal("function"),
      function: z.looseObject({ name: z.string(), arguments: z.string() }),
    }),
    z.looseObject({
      id: z.string(),
      type: z.literal("custom"),
      custom: z.looseObject({ name: z.string(), input: z.string() }),
    }),
  ],
  { error: "a tool call's type must be function or custom" },
);

const message = z.discriminatedUnion(
  "role",
  [
    z.looseObject({ role: z.literal("system"), content: textContent, name }),
    z.looseObject({ role: z.literal("developer"), content: textContent, name }),
    z.looseObject({
      role: z.literal("user"),
      content: z.union([z.string(), parts(userPart)], { error: refusal("a string or an array of content parts") }),
      name,
    }),
    z
      .looseObject({
        role: z.literal("assistant"),
        content: z
          .union([z.string(), parts(assistantPart)], { error: "must be a string, an array of content parts, or null" })
          .nullish(),
        refusal: z.string().nullish(),
        tool_calls: z.array(toolCall).optional(),
        function_call: z.looseObject({ name: z.string(), arguments: z.string() }).nullish(),
        name,
      })
      // Content may be left out only when the message carries the calls instead.
      .refine((m) => (m.content !== undefined && m.content !== null) || !!m.tool_calls?.length || !!m.function_call, {
        message: "is required unless tool_calls or function_call is given",
        path: ["content"],
      }),
    z.looseObject({
      role: z.literal("tool"),
      content: textContent,
      tool_call_id: z.string({ error: refusal("the id of the tool call this message answers") }),
    }),
    z.looseObject({ role: z.literal("function"), content: z.string().nullable(), name: z.string() }),
  ],
  { error: "role must be system, developer, user, assistant, tool or function" },
);

const penalty = z.number().min(-2).max(2).nullish();

export const chatCompletionRequestSchema = z
  .object({
    model: z.string().min(1, "is required").max(256),
    messages: z.array(message).min(1, "must contain at least one message").max(10_000),
    stream: z.boolean().nullish(),
    stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
    max_tokens: z.number().int().positive().max(10_000_000).nullish(),
    max_completion_tokens: z.number().int().positive().max(10_000_000).nullish(),
    n: z.number().int().min(1).max(16).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    presence_penalty: penalty,
    frequency_penalty: penalty,
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().min(0).max(20).nullish(),
    stop: z.union([z.string(), z.array(z.string()).min(1).max(4)]).nullish(),
    tools: z
      .array(
        z.discriminatedUnion(
          "type",
          [
            z.looseObject({
              type: z.literal("function"),
              function: z.looseObject({ name: z.string().min(1).max(128) }),
            }),
            z.looseObject({ type: z.literal("custom"), custom: z.looseObject({ name: z.string().min(1).max(128) }) }),
          ],
          { error: "a tool's type must be function or custom" },
        ),
      )
      .max(512)
      .optional(),
    tool_choice: z.unknown().optional(),
    response_format: z.looseObject({ type: z.enum(["text", "json_object", "json_schema"]) }).nullish(),
  })
  .loose();

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

// Path parameters of the OpenAI-compatible routes that are not a wire format of their own.
export const modelIdParams = z.object({ id: z.string().min(1).max(256) });
