import "server-only";
import type { JSONSchema7, LanguageModelV4CallOptions, LanguageModelV4Prompt } from "@ai-sdk/provider";
import { AppError } from "@/lib/errors";

// OpenAI chat-completions request → AI SDK language-model call (for Bedrock and Ollama).

type OpenAiPart = { type?: string; text?: string; image_url?: { url?: string } | string };
type OpenAiMessage = {
  role?: string;
  content?: string | OpenAiPart[] | null;
  tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: string } }>;
  tool_call_id?: string;
};

function textOf(content: OpenAiMessage["content"]): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((p) => (p?.type === "text" && typeof p.text === "string" ? p.text : "")).join("");
}

function imagePart(part: OpenAiPart) {
  const url = typeof part.image_url === "string" ? part.image_url : part.image_url?.url;
  const m = /^data:(image\/(png|jpeg|gif|webp));base64,([A-Za-z0-9+/=]+)$/.exec(url ?? "");
  if (!m)
    throw new AppError("bad_request", "Images must be base64 data: URLs (png, jpeg, gif or webp) for this model", {
      param: "messages",
    });
  return { type: "file" as const, mediaType: m[1], data: { type: "data" as const, data: m[3] } };
}

/**
 * `blankTextAllowed: false` (Bedrock, which answers 400 to a blank text block): blank text parts are
 * left out, blank system messages dropped, and a user message with nothing left is refused here.
 */
export function toLanguageModelPrompt(
  messages: unknown,
  opts: { blankTextAllowed?: boolean } = {},
): LanguageModelV4Prompt {
  const list = messages as OpenAiMessage[];
  const blankOk = opts.blankTextAllowed ?? true;
  const toolNames = new Map<string, string>();
  const prompt: LanguageModelV4Prompt = [];
  for (const [i, m] of list.entries()) {
    switch (m.role) {
      case "system":
      case "developer": {
        const text = textOf(m.content);
        if (blankOk || text.trim()) prompt.push({ role: "system", content: text });
        break;
      }
      case "user": {
        let parts = Array.isArray(m.content)
          ? m.content.map((p) =>
              p?.type === "image_url"
                ? imagePart(p)
                : { type: "text" as const, text: typeof p?.text === "string" ? p.text : "" },
            )
          : [{ type: "text" as const, text: textOf(m.content) }];
        if (!blankOk) {
          parts = parts.filter((p) => p.type !== "text" || p.text.trim());
          if (parts.length === 0) {
            throw new AppError(
              "bad_request",
              `messages[${i}].content: a user message may not be empty for this model's provider`,
              { param: `messages[${i}].content` },
            );
          }
        }
        prompt.push({ role: "user", content: parts });
        break;
      }
      case "assistant": {
        const content: Extract<LanguageModelV4Prompt[number], { role: "assistant" }>["content"] = [];
        const text = textOf(m.content);
        if (text) content.push({ type: "text", text });
        for (const call of m.tool_calls ?? []) {
          const id = call.id ?? crypto.randomUUID();
          const name = call.function?.name ?? "tool";
          toolNames.set(id, name);
          let input: unknown = {};
          try {
            input = JSON.parse(call.function?.arguments || "{}");
          } catch {
            input = {};
          }
          content.push({ type: "tool-call", toolCallId: id, toolName: name, input });
        }
        prompt.push({ role: "assistant", content });
        break;
      }
      case "tool": {
        const id = m.tool_call_id ?? "";
        prompt.push({
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: id,
              toolName: toolNames.get(id) ?? "tool",
              output: { type: "text", value: textOf(m.content) },
            },
          ],
        });
        break;
      }
      default:
        throw new AppError("validation_error", `messages: unsupported role "${String(m.role)}"`, { param: "messages" });
    }
  }
  return prompt;
}

type Body = Record<string, unknown>;

export function toCallOptions(body: Body): Omit<LanguageModelV4CallOptions, "prompt"> {
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  const stop = body.stop;
  const tools = Array.isArray(body.tools)
    ? (body.tools as Array<{ function?: { name?: string; description?: string; parameters?: unknown } }>).map((t) => ({
        type: "function" as const,
        name: t.function?.name ?? "tool",
        description: t.function?.description,
        inputSchema: (t.function?.parameters ?? { type: "object", properties: {} }) as JSONSchema7,
      }))
    : undefined;
  return {
    maxOutputTokens: num(body.max_completion_tokens) ?? num(body.max_tokens),
    temperature: num(body.temperature),
    topP: num(body.top_p),
    seed: num(body.seed),
    presencePenalty: num(body.presence_penalty),
    frequencyPenalty: num(body.frequency_penalty),
    stopSequences: typeof stop === "string" ? [stop] : Array.isArray(stop) ? (stop as string[]) : undefined,
    tools,
    toolChoice: toolChoice(body.tool_choice),
    responseFormat: responseFormat(body.response_format),
  };
}

function toolChoice(v: unknown): LanguageModelV4CallOptions["toolChoice"] {
  if (v === "auto" || v === "none" || v === "required") return { type: v };
  const name = (v as { function?: { name?: string } } | undefined)?.function?.name;
  return name ? { type: "tool", toolName: name } : undefined;
}

function responseFormat(v: unknown): LanguageModelV4CallOptions["responseFormat"] {
  const f = v as
    | { type?: string; json_schema?: { name?: string; schema?: JSONSchema7; description?: string } }
    | undefined;
  if (f?.type === "json_object") return { type: "json" };
  if (f?.type === "json_schema")
    return {
      type: "json",
      schema: f.json_schema?.schema,
      name: f.json_schema?.name,
      description: f.json_schema?.description,
    };
  return undefined;
}
