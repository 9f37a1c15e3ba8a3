import type { UIMessage } from "ai";

// The chat app's message shape, shared by the server (history, saving) and the browser (rendering).

/** POST /api/chat names the conversation it created (or continued) in this response header. */
export const SESSION_ID_HEADER = "x-chat-session-id";

/** Tokens in and out, cost (decimal text) and time to first token of one answer. */
export type AnswerDetails = {
  requestId: string;
  promptTokens: number;
  completionTokens: number;
  cost: string;
  ttftMs: number | null;
};

/** Where a message sits among its siblings (edits of a question, regenerations of an answer). */
export type BranchInfo = { index: number; count: number; siblingIds: string[] };

export type ChatMessageMeta = {
  model?: string | null;
  branch?: BranchInfo | null;
  details?: AnswerDetails | null;
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
  requestId?: string | null;
  branch?: BranchInfo;
  flagged?: boolean;
  flagReason?: string | null;
  createdAt: string | Date;
};

type Part = ChatUIMessage["parts"][number];

function storedParts(m: StoredMessage): Part[] {
  if (Array.isArray(m.parts)) {
    const parts = (m.parts as Part[]).filter(
      (p) => p && typeof p === "object" && (p.type === "text" || p.type === "file" || p.type === "reasoning"),
    );
    if (parts.length) return parts;
  }
  return m.text ? [{ type: "text", text: m.text }] : [];
}

type StoredRequest = {
  id: string;
  status?: string;
  promptTokens: number;
  completionTokens: number;
  cost: string;
  ttftMs?: number | null;
};

/** A stored message, with its answer's details when the request that produced it is among `requests`. */
export function toChatUIMessage(m: StoredMessage, requests: StoredRequest[] = []): ChatUIMessage {
  // A request still being settled has no tokens or cost yet: better no footer than zeros.
  const request = m.requestId ? requests.find((r) => r.id === m.requestId && r.status !== "PENDING") : undefined;
  return {
    id: m.id,
    role: m.role === "assistant" ? "assistant" : m.role === "system" ? "system" : "user",
    parts: storedParts(m),
    metadata: {
      model: m.model,
      partial: m.partial,
      flagged: m.flagged ?? false,
      flagReason: m.flagReason ?? null,
      branch: m.branch ?? null,
      details: request
        ? {
            requestId: request.id,
            promptTokens: request.promptTokens,
            completionTokens: request.completionTokens,
            cost: request.cost,
            ttftMs: request.ttftMs ?? null,
          }
        : null,
      createdAt: typeof m.createdAt === "string" ? m.createdAt : m.createdAt.toISOString(),
    },
  };
}

export function messageText(m: Pick<ChatUIMessage, "parts">): string {
  return m.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
}
