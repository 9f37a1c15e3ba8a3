// Shapes of the admin history API (lib/history): sessions are conversations, threads are requests.

export type UserBrief = { id: string; email: string; name: string };
export type RequestStatus = "PENDING" | "OK" | "PARTIAL" | "ERROR" | "ABORTED";
export const REQUEST_STATUSES: RequestStatus[] = ["OK", "PARTIAL", "ERROR", "ABORTED", "PENDING"];

export type SessionItem = {
  id: string;
  title: string;
  source: "CHAT" | "API";
  model: string | null;
  createdAt: string;
  updatedAt: string;
  apiKeyId: string | null;
  userId: string;
  user: UserBrief;
};

export type SessionMessage = {
  id: string;
  role: string;
  parts: unknown;
  text: string;
  model: string | null;
  partial: boolean;
  flagged: boolean;
  flagReason: string | null;
  createdAt: string;
};

export type SessionRequest = {
  id: string;
  model: string;
  status: RequestStatus;
  promptTokens: number;
  completionTokens: number;
  cost: string;
  createdAt: string;
};

export type SessionDetail = { session: SessionItem; messages: SessionMessage[]; requests: SessionRequest[] };

export type ThreadItem = {
  id: string;
  sessionId: string | null;
  apiKeyId: string | null;
  apiKey?: { name: string; prefix: string } | null;
  source: "CHAT" | "API";
  model: string;
  providerName: string | null;
  status: RequestStatus;
  stream: boolean;
  promptTokens: number;
  completionTokens: number;
  cost: string;
  latencyMs: number | null;
  ttftMs: number | null;
  error: string | null;
  createdAt: string;
  userId: string;
  user: UserBrief;
};

export type ThreadDetail = ThreadItem & {
  requestedModel: string | null;
  region: string | null;
  cachedTokens: number;
  reasoningTokens: number;
  usageEstimated: boolean;
  attempts: number;
  prompt: unknown;
  reply: string | null;
  settledAt: string | null;
};

export type FlaggedMessage = {
  id: string;
  role: string;
  text: string;
  model: string | null;
  flagReason: string | null;
  flaggedAt: string | null;
  createdAt: string;
  session: { id: string; title: string; source: "CHAT" | "API"; user: UserBrief };
};
