import { tokensOfLength } from "@/lib/billing/estimate";
import type { ChatCompletionChunk, Usage } from "@/lib/providers/types";
import { usageFromOpenAi } from "@/lib/providers/types";

// Follows a response as it streams: the reply text and tool calls (kept for history and for
// session matching), the provider's usage, and — when a provider never reports usage or the
// stream is cut — an estimate from what was actually produced (one token per content chunk).
export class ReplyAccumulator {
  text = "";
  contentChunks = 0;
  usage: Usage | null = null;
  toolCalls: Array<{ id?: string; type: "function"; function: { name: string; arguments: string } }> = [];
  finishReason: string | null = null;

  /** A streamed event: a plain content delta by its text alone (lib/providers/openai-wire.ts), any other by its chunk. */
  addEvent(event: { content?: string; chunk: ChatCompletionChunk }): void {
    if (event.content === undefined) return this.add(event.chunk);
    if (!event.content) return;
    this.text += event.content;
    this.contentChunks++;
  }

  add(chunk: ChatCompletionChunk): void {
    const u = usageFromOpenAi(chunk.usage);
    if (u) this.usage = u;
    let produced = false;
    for (const choice of chunk.choices) {
      if (choice.delta?.content) {
        this.text += choice.delta.content;
        produced = true;
      }
      if (choice.delta?.reasoning_content) produced = true;
      for (const t of choice.delta?.tool_calls ?? []) {
        const slot = (this.toolCalls[t.index] ??= {
          id: t.id,
          type: "function",
          function: { name: "", arguments: "" },
        });
        if (t.id) slot.id = t.id;
        if (t.function?.name) slot.function.name += t.function.name;
        if (t.function?.arguments) slot.function.arguments += t.function.arguments;
        produced = true;
      }
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
    if (produced) this.contentChunks++;
  }

  replyMessage() {
    const tools = this.toolCalls.filter(Boolean);
    return {
      role: "assistant" as const,
      content: tools.length && !this.text ? null : this.text,
      ...(tools.length ? { tool_calls: tools } : {}),
    };
  }

  replyForHistory(): string {
    const tools = this.toolCalls.filter(Boolean);
    return tools.length ? `${this.text}${this.text ? "\n" : ""}${JSON.stringify(tools)}` : this.text;
  }

  /** The provider's usage, or an estimate marked as such. */
  finalUsage(promptLength: number): { usage: Usage; estimated: boolean } {
    if (this.usage) return { usage: this.usage, estimated: false };
    // Nothing produced (the client left before the first token): nothing to bill.
    if (this.contentChunks === 0)
      return { usage: { promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0 }, estimated: true };
    return {
      usage: {
        promptTokens: Math.max(1, tokensOfLength(promptLength)),
        completionTokens: this.contentChunks,
        cachedTokens: 0,
        reasoningTokens: 0,
      },
      estimated: true,
    };
  }
}
