import type { ChatUIMessage } from "./ui-message";

// A conversation that came through the API has no stored messages: its last request holds the
// whole prompt (every earlier turn) and the reply.

export type ThreadDetail = {
  id: string;
  model: string;
  status: string;
  createdAt: string;
  prompt: unknown;
  reply: string | null;
};

type PromptMessage = { role?: string; content?: unknown };

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((p: { type?: string; text?: unknown }) =>
      p?.type === "text" ? String(p.text ?? "") : p?.type === "image_url" ? "[image]" : "",
    )
    .join("");
}

export function apiSessionMessages(thread: ThreadDetail): ChatUIMessage[] {
  const prompt = Array.isArray(thread.prompt) ? (thread.prompt as PromptMessage[]) : [];
  const messages: ChatUIMessage[] = prompt
    .filter((m) => m.role === "user" || m.role === "assistant" || m.role === "system")
    .map((m, i) => ({
      id: `${thread.id}-${i}`,
      role: m.role as ChatUIMessage["role"],
      parts: [{ type: "text" as const, text: contentText(m.content) }],
      metadata: { model: thread.model, createdAt: thread.createdAt },
    }));
  if (thread.reply) {
    messages.push({
      id: `${thread.id}-reply`,
      role: "assistant",
      parts: [{ type: "text", text: thread.reply }],
      metadata: { model: thread.model, partial: thread.status !== "OK", createdAt: thread.createdAt },
    });
  }
  return messages;
}
