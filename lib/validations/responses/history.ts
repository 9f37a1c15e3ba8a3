import { z } from "zod";
import type { listAuditLog } from "@/lib/audit";
import type { listFlaggedMessages } from "@/lib/history/flags";
import type { deleteSessionOrThrow, listSessions, listThreads } from "@/lib/history/queries";
import type { SessionDetail, SessionItem, ThreadDetail, ThreadItem } from "../admin-responses";
import { deletedResponse, jsonValue, money, page, requestStatus, sessionSource, timestamp, userBrief } from "./common";
import type { Answer, Equals, Expect, Flat } from "./exact";

// What the history routes answer: conversations (sessions), requests (threads), flagged
// messages and the audit log. An admin sees whose row it is; a user reading their own rows gets the
// `own…` shapes, without the owner.

const owner = { userId: z.string(), user: userBrief };

// --- sessions ------------------------------------------------------------------------------------

export const ownSessionItem = z.object({
  id: z.string(),
  title: z.string(),
  source: sessionSource,
  model: z.string().nullable(),
  apiKeyId: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export const sessionItem = ownSessionItem.extend(owner);
export const sessionListResponse = page(sessionItem);

/** A message on the conversation's shown branch, with where it sits among its edits and regenerations. */
export const sessionMessage = z.object({
  id: z.string(),
  role: z.string(),
  parts: jsonValue,
  text: z.string(),
  model: z.string().nullable(),
  partial: z.boolean(),
  requestId: z.string().nullable(),
  parentId: z.string().nullable(),
  flagged: z.boolean(),
  flagReason: z.string().nullable(),
  createdAt: timestamp,
  branch: z.object({ index: z.number(), count: z.number(), siblingIds: z.array(z.string()) }),
});

export const sessionRequest = z.object({
  id: z.string(),
  model: z.string(),
  status: requestStatus,
  promptTokens: z.number(),
  completionTokens: z.number(),
  cost: money,
  ttftMs: z.number().nullable(),
  createdAt: timestamp,
});

export const sessionDetailResponse = z.object({
  session: sessionItem,
  messages: z.array(sessionMessage),
  requests: z.array(sessionRequest),
});

// --- threads (one upstream request each) ---------------------------------------------------------

export const ownThreadItem = z.object({
  id: z.string(),
  sessionId: z.string().nullable(),
  apiKeyId: z.string().nullable(),
  apiKey: z.object({ name: z.string(), prefix: z.string() }).nullable(),
  source: sessionSource,
  model: z.string(),
  providerName: z.string().nullable(),
  status: requestStatus,
  stream: z.boolean(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  cost: money,
  latencyMs: z.number().nullable(),
  ttftMs: z.number().nullable(),
  error: z.string().nullable(),
  createdAt: timestamp,
});
export const threadItem = ownThreadItem.extend(owner);
export const threadListResponse = page(threadItem);

const threadDetailFields = {
  requestedModel: z.string().nullable(),
  region: z.string().nullable(),
  cachedTokens: z.number(),
  reasoningTokens: z.number(),
  usageEstimated: z.boolean(),
  attempts: z.number(),
  prompt: jsonValue,
  reply: z.string().nullable(),
  settledAt: timestamp.nullable(),
};
export const ownThreadDetail = ownThreadItem.extend(threadDetailFields);
export const threadDetailResponse = threadItem.extend(threadDetailFields);

// --- flags and audit -----------------------------------------------------------------------------

export const flagListResponse = page(
  z.object({
    id: z.string(),
    role: z.string(),
    text: z.string(),
    model: z.string().nullable(),
    flagReason: z.string().nullable(),
    flaggedAt: timestamp.nullable(),
    createdAt: timestamp,
    session: z.object({ id: z.string(), title: z.string(), source: sessionSource, user: userBrief }),
  }),
);

export const auditListResponse = page(
  z.object({
    id: z.string(),
    actorId: z.string().nullable(),
    actorLabel: z.string(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string().nullable(),
    before: jsonValue,
    after: jsonValue,
    createdAt: timestamp,
  }),
);

// Each schema is exactly what the lib function answers an admin (tsc fails otherwise); the
// admin-responses types are those answers narrowed to the rows that carry their owner.
type Listed<F extends (...args: never[]) => unknown, T> = Flat<Omit<Answer<F>, "items"> & { items: T[] }>;
type _Exact = [
  Expect<Equals<z.output<typeof sessionListResponse>, Listed<typeof listSessions, SessionItem>>>,
  Expect<Equals<z.output<typeof threadListResponse>, Listed<typeof listThreads, ThreadItem>>>,
  Expect<Equals<z.output<typeof sessionDetailResponse>, Flat<SessionDetail>>>,
  Expect<Equals<z.output<typeof threadDetailResponse>, ThreadDetail>>,
  Expect<Equals<z.output<typeof deletedResponse>, Answer<typeof deleteSessionOrThrow>>>,
  Expect<Equals<z.output<typeof flagListResponse>, Answer<typeof listFlaggedMessages>>>,
  Expect<Equals<z.output<typeof auditListResponse>, Answer<typeof listAuditLog>>>,
];
