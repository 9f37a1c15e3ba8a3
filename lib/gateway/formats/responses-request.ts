import { z } from "zod";

// The OpenAI Responses API request (POST /v1/responses), as OpenAI's published OpenAPI document
// (openai/openai-openapi, CreateResponse) describes it, for the parts Tollgate serves: text and
// image input, function tools and their outputs, JSON-schema output, streaming, storage and
// chaining. Hosted tools (web search, file search, …) and server-side conversations are refused.

const inputText = z.looseObject({ type: z.literal("input_text"), text: z.string() });
const inputImage = z.looseObject({
  type: z.literal("input_image"),
  image_url: z.string({ error: "input_image needs image_url (a URL or a data: URL); file ids are not supported" }),
  detail: z.enum(["auto", "low", "high"]).optional(),
});
const inputFile = z.looseObject({
  type: z.literal("input_file"),
  file_data: z.string({ error: "input_file needs file_data; file ids are not supported" }),
  filename: z.string().optional(),
});
const inputContent = z.discriminatedUnion("type", [inputText, inputImage, inputFile], {
  error: "a content part's type must be input_text, input_image or input_file",
});
const outputContent = z.discriminatedUnion(
  "type",
  [
    z.looseObject({ type: z.literal("output_text"), text: z.string() }),
    z.looseObject({ type: z.literal("refusal"), refusal: z.string() }),
    inputText,
  ],
  { error: "an assistant message's content parts must be output_text or refusal" },
);

const contentRefusal = (issue: { input?: unknown }) =>
  issue.input === undefined || issue.input === null
    ? "is required: a string or an array of content parts"
    : "must be a string or an array of content parts";

const messageItem = z
  .looseObject({
    type: z.literal("message").optional(),
    id: z.string().optional(),
    role: z.enum(["user", "assistant", "system", "developer"], {
      error: "must be user, assistant, system or developer",
    }),
    content: z.union([z.string(), z.array(z.union([inputContent, outputContent]))], { error: contentRefusal }),
  })
  .superRefine((m, ctx) => {
    if (typeof m.content === "string") return;
    const allowed =
      m.role === "assistant" ? ["output_text", "refusal", "input_text"] : ["input_text", "input_image", "input_file"];
    m.content.forEach((part, i) => {
      if (!allowed.includes(part.type))
        ctx.addIssue({
          code: "custom",
          path: ["content", i, "type"],
          message: `must be ${allowed.join(" or ")} in a ${m.role} message`,
        });
    });
  });

const functionCallItem = z.looseObject({
  type: z.literal("function_call"),
  id: z.string().optional(),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});

const functionCallOutputItem = z.looseObject({
  type: z.literal("function_call_output"),
  id: z.string().nullish(),
  call_id: z.string().min(1).max(64),
  output: z.union([z.string(), z.array(inputContent)], { error: "must be a string or an array of content parts" }),
});

// Reasoning items that a client echoes back carry nothing a translated upstream could use: kept
// out of the conversation, not refused.
const reasoningItem = z.looseObject({ type: z.literal("reasoning") });

export const responseInputItem = z.discriminatedUnion(
  "type",
  [messageItem, functionCallItem, functionCallOutputItem, reasoningItem],
  {
    error: "an input item's type must be message, function_call, function_call_output or reasoning",
  },
);

const functionTool = z.looseObject({
  type: z.literal("function"),
  name: z.string().min(1).max(128),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const textFormat = z.discriminatedUnion(
  "type",
  [
    z.looseObject({ type: z.literal("text") }),
    z.looseObject({ type: z.literal("json_object") }),
    z.looseObject({
      type: z.literal("json_schema"),
      name: z.string().min(1).max(64),
      schema: z.record(z.string(), z.unknown()),
      description: z.string().optional(),
      strict: z.boolean().nullish(),
    }),
  ],
  { error: "text.format.type must be text, json_object or json_schema" },
);

export const responsesRequestSchema = z
  .object({
    model: z.string().min(1, "is required").max(256),
    input: z.union([z.string(), z.array(responseInputItem).min(1, "must contain at least one item").max(10_000)], {
      error: (issue) =>
        issue.input === undefined
          ? "is required: a string or an array of input items"
          : "must be a string or an array of input items",
    }),
    instructions: z.string().nullish(),
    previous_response_id: z.string().min(1).max(128).nullish(),
    store: z.boolean().nullish(),
    stream: z.boolean().nullish(),
    max_output_tokens: z.number().int().min(16).max(10_000_000).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    tools: z
      .array(z.discriminatedUnion("type", [functionTool], { error: "only function tools are supported" }))
      .max(512)
      .optional(),
    tool_choice: z
      .union(
        [z.enum(["none", "auto", "required"]), z.looseObject({ type: z.literal("function"), name: z.string().min(1) })],
        {
          error: "must be none, auto, required or { type: 'function', name }",
        },
      )
      .optional(),
    parallel_tool_calls: z.boolean().nullish(),
    text: z.looseObject({ format: textFormat.optional() }).nullish(),
    metadata: z.record(z.string().max(64), z.string().max(512)).nullish(),
    user: z.string().optional(),
    background: z.literal([false, null], { error: "background responses are not supported" }).optional(),
    conversation: z
      .null({ error: "server-side conversations are not supported; chain with previous_response_id" })
      .optional(),
  })
  .loose();

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type ResponseInputItem = z.infer<typeof responseInputItem>;

export const inputItemsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(["asc", "desc"]).default("desc"),
  after: z.string().max(128).optional(),
});

export const responseIdParams = z.object({ id: z.string().min(1).max(128) });
