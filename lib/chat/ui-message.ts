import type { UIMessage } from "ai";

// The chat app's message shape, shared by the server (history, saving) and the browser (rendering).

/** POST /api/chat names the conversation it created (or continued) in this response header. */
export const SESSION_ID_HEADER = "x-chat-session-id";

export type ChatMessageMeta = {
  model?: string | null;
  partial?: boolean;
  flagged?: boolean;
  flagReason?: string | null;
  createdAt?: string;
};

export type ChatUIMessage = UIMessage<ChatMessageMeta>;

/** A message as stored (and as GET /api/user/session/detail/{id} returns it). */
export type StoredMessage = {
  id: string;
  role: string;
  parts: unknown;
  text: string;
  model: string | null;
  partial: boolean;
  flagged?: boolean;
  flagReason?: string | null;
  createdAt: string | Date;
};

type Part = ChatUIMessage["parts"][number];

function storedParts(m: StoredMessage): Part[] {
  if (Array.isArray(m.parts)) {
    const parts = (m.parts as Part[]).filter((p) => p && typeof p === "object" && (p.type === "text" || p.type === "file" || p.type === "reasoning"));
    if (parts.length) return parts;
  }
  return m.text ? [{ type: "text", text: m.text }] : [];
}

export function toChatUIMessage(m: StoredMessage): ChatUIMessage {
  return {
    id: m.id,
    role: m.role === "assistant" ? "assistant" : m.role === "system" ? "system" : "user",
    parts: storedParts(m),
    metadata: {
      model: m.model,
      partial: m.partial,
      flagged: m.flagged ?? false,
      flagReason: m.flagReason ?? null,
      createdAt: typeof m.createdAt === "string" ? m.createdAt : m.createdAt.toISOString(),
    },
  };
}

export function messageText(m: Pick<ChatUIMessage, "parts">): string {
  return m.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
}
