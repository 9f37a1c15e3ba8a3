import "server-only";
import { type AuditEntry, writeAudit } from "@/lib/audit";
import { formatMoney } from "@/lib/billing/money";
import { pathWithBranches } from "@/lib/chat/branches";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Pagination } from "@/lib/validations/admin";

// Sessions (conversations) and threads (Request rows, one upstream call each), for the admin API
// and for a user's own history. `ownerId` restricts every query to one user's rows: a row that
// belongs to someone else is "not found", never "forbidden".

type Owner = { ownerId?: string };
type RequestStatus = "PENDING" | "OK" | "PARTIAL" | "ERROR" | "ABORTED";

const userBrief = { select: { id: true, email: true, name: true } } as const;

const sessionItemSelect = {
  id: true,
  title: true,
  source: true,
  model: true,
  createdAt: true,
  updatedAt: true,
  apiKeyId: true,
} as const;
const sessionAdminSelect = { ...sessionItemSelect, userId: true, user: userBrief } as const;

/** Admins also see whose row it is; a user reading their own rows gets the shape without the owner. */
function forViewer<T extends { userId: string; user: unknown }>(row: T, owner: Owner): T | Omit<T, "userId" | "user"> {
  if (!owner.ownerId) return row;
  const { userId: _u, user: _user, ...rest } = row;
  void _u;
  void _user;
  return rest;
}

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Sessions whose API prompts mention `q` (message contents only, not the JSON around them). The prompt
 * is stored as the JSON text it came as (json, not jsonb: parsing a 1 MB prompt into jsonb took most of
 * the database's CPU for its record), so a search parses each prompt it reads, once.
 */
async function sessionIdsByPrompt(q: string, ownerId: string | undefined): Promise<string[]> {
  const db = await getDb();
  const pattern = likePattern(q);
  const owner = ownerId ?? null;
  const rows = await db.$queryRaw<Array<{ sessionId: string }>>`
    SELECT DISTINCT "sessionId" FROM "Request", LATERAL (SELECT "prompt"::jsonb AS messages) parsed
    WHERE "sessionId" IS NOT NULL
      AND (${owner}::text IS NULL OR "userId" = ${owner}::text)
      AND (jsonb_path_query_array(messages, '$[*].content ? (@.type() == "string")')::text ILIKE ${pattern}
        OR jsonb_path_query_array(messages, '$[*].content.text')::text ILIKE ${pattern})
    LIMIT 500`;
  return rows.map((r) => r.sessionId);
}

/** Newest first (by last activity). `q` searches the title, the messages and the requests' content. */
export async function listSessions(input: Pagination & Owner & { keyId?: string; userId?: string }) {
  const db = await getDb();
  const userId = input.ownerId ?? input.userId;
  const and: Prisma.ChatSessionWhereInput[] = [];
  if (userId) and.push({ userId });
  if (input.keyId) and.push({ apiKeyId: input.keyId });
  if (input.q) {
    const contains = { contains: input.q, mode: "insensitive" } as const;
    and.push({
      OR: [
        { title: contains },
        { messages: { some: { text: contains } } },
        { requests: { some: { reply: contains } } },
        { id: { in: await sessionIdsByPrompt(input.q, userId) } },
      ],
    });
  }
  const where = { AND: and };
  const [total, rows] = await Promise.all([
    db.chatSession.count({ where }),
    db.chatSession.findMany({
      where,
      select: sessionAdminSelect,
      orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
      take: input.limit,
      skip: input.offset,
    }),
  ]);
  return { total, items: rows.map((r) => forViewer(r, input)) };
}

export async function getSessionDetailOrThrow(input: Owner & { id: string }) {
  const db = await getDb();
  const session = await db.chatSession.findFirst({
    where: { id: input.id, ...(input.ownerId ? { userId: input.ownerId } : {}) },
    select: sessionAdminSelect,
  });
  if (!session) throw new AppError("not_found", "Session not found");
  const [messages, requests] = await Promise.all([
    db.message.findMany({
      where: { sessionId: session.id },
      select: {
        id: true,
        role: true,
        parts: true,
        text: true,
        model: true,
        partial: true,
        requestId: true,
        parentId: true,
        flagged: true,
        flagReason: true,
        createdAt: true,
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: 5_000,
    }),
    db.request.findMany({
      where: { sessionId: session.id },
      select: {
        id: true,
        model: true,
        status: true,
        promptTokens: true,
        completionTokens: true,
        cost: true,
        ttftMs: true,
        createdAt: true,
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: 5_000,
    }),
  ]);
  // The branch the conversation shows (edits and regenerations are siblings beside it).
  const leaf = await db.chatSession.findUnique({ where: { id: session.id }, select: { leafId: true } });
  return {
    session: forViewer(session, input),
    messages: pathWithBranches(messages, leaf?.leafId),
    requests: requests.map((r) => ({ ...r, cost: formatMoney(r.cost) })),
  };
}

/** Deletes a conversation and its messages; its requests stay (billing history) without the link. */
export async function deleteSessionOrThrow(input: { id: string; actor: AuditEntry["actor"] }) {
  const db = await getDb();
  const session = await db.chatSession.findUnique({
    where: { id: input.id },
    select: { ...sessionItemSelect, userId: true },
  });
  if (!session) throw new AppError("not_found", "Session not found");
  await db.$transaction(async (tx) => {
    await tx.chatSession.delete({ where: { id: input.id } });
    await writeAudit(
      { actor: input.actor, action: "session.delete", targetType: "session", targetId: input.id, before: session },
      tx,
    );
  });
  return { deleted: true, id: input.id };
}

const threadItemSelect = {
  id: true,
  sessionId: true,
  apiKeyId: true,
  source: true,
  model: true,
  providerName: true,
  status: true,
  stream: true,
  promptTokens: true,
  completionTokens: true,
  cost: true,
  latencyMs: true,
  ttftMs: true,
  error: true,
  createdAt: true,
  apiKey: { select: { name: true, prefix: true } },
} as const;
const threadAdminSelect = { ...threadItemSelect, userId: true, user: userBrief } as const;

type ThreadFilters = {
  keyId?: string;
  sessionId?: string;
  userId?: string;
  model?: string;
  status?: RequestStatus;
  from?: Date;
  to?: Date;
};

/** Requests newest first, with money as decimal strings. */
export async function listThreads(input: Pagination & Owner & ThreadFilters) {
  const db = await getDb();
  const userId = input.ownerId ?? input.userId;
  const and: Prisma.RequestWhereInput[] = [];
  if (userId) and.push({ userId });
  if (input.keyId) and.push({ apiKeyId: input.keyId });
  if (input.sessionId) and.push({ sessionId: input.sessionId });
  if (input.model) and.push({ model: input.model });
  if (input.status) and.push({ status: input.status });
  if (input.from || input.to)
    and.push({ createdAt: { ...(input.from ? { gte: input.from } : {}), ...(input.to ? { lte: input.to } : {}) } });
  if (input.q) {
    const contains = { contains: input.q, mode: "insensitive" } as const;
    and.push({ OR: [{ id: input.q }, { model: contains }, { reply: contains }, { error: contains }] });
  }
  const where = { AND: and };
  const [total, rows] = await Promise.all([
    db.request.count({ where }),
    db.request.findMany({
      where,
      select: threadAdminSelect,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: input.limit,
      skip: input.offset,
    }),
  ]);
  return { total, items: rows.map((r) => forViewer({ ...r, cost: formatMoney(r.cost) }, input)) };
}

/** One request in full: prompt, reply, tokens, cost, timings, status and error. */
export async function getThreadDetailOrThrow(input: Owner & { id: string }) {
  const db = await getDb();
  const row = await db.request.findFirst({
    where: { id: input.id, ...(input.ownerId ? { userId: input.ownerId } : {}) },
    select: {
      ...threadAdminSelect,
      requestedModel: true,
      region: true,
      cachedTokens: true,
      reasoningTokens: true,
      usageEstimated: true,
      attempts: true,
      prompt: true,
      reply: true,
      settledAt: true,
    },
  });
  if (!row) throw new AppError("not_found", "Thread not found");
  return forViewer({ ...row, cost: formatMoney(row.cost) }, input);
}
