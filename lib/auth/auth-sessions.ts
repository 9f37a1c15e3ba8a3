import "server-only";
import { writeAudit } from "@/lib/audit";
import { getDb } from "@/lib/db/client";
import { publish, subscribe } from "@/lib/events/bus";

// Every sign-in is one AuthSession row: a browser session (its id is the cookie's `sid`) or a family
// of bearer tokens (the access and refresh tokens carry it). Requests check the row through an
// in-memory cache, so the hot path pays no query; a revocation is published on the event bus
// ("auth-sessions") and every instance drops what it cached within a second. Entries also expire
// after a few seconds, in case an instance missed a message while Redis was away.

export type SignInMethod = "password" | "register" | "reset" | "sso" | "oidc" | "token" | "basic";
export type SessionKind = "COOKIE" | "TOKEN";

/** What a request needs to know about its session and user. */
export type ActiveSession = {
  sessionId: string;
  userId: string;
  email: string;
  role: "USER" | "ADMIN";
  groupId: string | null;
  emailVerified: boolean;
  refreshGeneration: number;
};

const CACHE_MS = 5_000;
const LAST_SEEN_EVERY_MS = 60_000;
export const COOKIE_SESSION_MS = 30 * 24 * 60 * 60_000;
export const TOKEN_FAMILY_MS = 30 * 24 * 60 * 60_000;

type Entry = { value: ActiveSession | null; at: number; userId: string | null };
const globalForSessions = globalThis as unknown as {
  tollgateAuthSessions?: Map<string, Entry>;
  tollgateAuthSessionsSubscribed?: boolean;
  tollgateAuthSessionsSeen?: Map<string, number>;
};
const cache = (globalForSessions.tollgateAuthSessions ??= new Map());
const lastSeenWritten = (globalForSessions.tollgateAuthSessionsSeen ??= new Map());

/** `full`: the bus resubscribed after a Redis outage (messages may have been missed): drop everything. */
type Revocation = { sessionId?: string; userId?: string; all?: boolean; full?: boolean };

function forget(payload: unknown): void {
  const r = (payload ?? {}) as Revocation;
  if (r.all || r.full) return cache.clear();
  if (r.sessionId) cache.delete(r.sessionId);
  if (r.userId) for (const [id, e] of cache) if (e.userId === r.userId) cache.delete(id);
}

function ensureSubscribed(): void {
  if (globalForSessions.tollgateAuthSessionsSubscribed) return;
  globalForSessions.tollgateAuthSessionsSubscribed = true;
  subscribe("auth-sessions", forget);
  // A user's role, status or group changed (the API key index hears the same news).
  subscribe("keys", () => cache.clear());
}

/** Hook for other caches keyed by user (HTTP Basic): called when a user's sessions end. */
export function onSessionsRevoked(listener: (r: Revocation) => void): () => void {
  return subscribe("auth-sessions", (p) => listener((p ?? {}) as Revocation));
}

export async function createAuthSession(input: {
  userId: string;
  kind: SessionKind;
  method: SignInMethod;
  email: string;
}): Promise<string> {
  const db = await getDb();
  const ms = input.kind === "COOKIE" ? COOKIE_SESSION_MS : TOKEN_FAMILY_MS;
  const row = await db.authSession.create({
    data: { userId: input.userId, kind: input.kind, method: input.method, expiresAt: new Date(Date.now() + ms) },
    select: { id: true },
  });
  await recordSignIn({ userId: input.userId, email: input.email, method: input.method, sessionId: row.id });
  return row.id;
}

/** One audit row per sign-in, with the way in (target type "sign-in", so a user's account changes stay a list of changes). */
export async function recordSignIn(input: {
  userId: string;
  email: string;
  method: SignInMethod;
  sessionId?: string;
}): Promise<void> {
  await writeAudit({
    actor: { userId: input.userId, email: input.email },
    action: "auth.sign-in",
    targetType: "sign-in",
    targetId: input.userId,
    after: { method: input.method, ...(input.sessionId ? { sessionId: input.sessionId } : {}) },
  });
}

async function load(sessionId: string): Promise<ActiveSession | null> {
  const db = await getDb();
  const row = await db.authSession.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      revokedAt: true,
      expiresAt: true,
      refreshGeneration: true,
      user: { select: { id: true, email: true, role: true, status: true, groupId: true, emailVerifiedAt: true } },
    },
  });
  if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now() || row.user.status !== "ACTIVE") return null;
  const u = row.user;
  return {
    sessionId: row.id,
    userId: u.id,
    email: u.email,
    role: u.role,
    groupId: u.groupId,
    emailVerified: !!u.emailVerifiedAt,
    refreshGeneration: row.refreshGeneration,
  };
}

/** The session and its user when the session is still valid, else null. Cached; revocations reach every instance. */
export async function activeSession(sessionId: string): Promise<ActiveSession | null> {
  ensureSubscribed();
  const now = Date.now();
  const hit = cache.get(sessionId);
  if (hit && now - hit.at < CACHE_MS) return hit.value;
  const value = await load(sessionId);
  if (cache.size > 100_000) cache.clear();
  cache.set(sessionId, { value, at: now, userId: value?.userId ?? null });
  if (value) touch(sessionId, now);
  return value;
}

// lastSeenAt is written at most once a minute per session, off the request's path.
function touch(sessionId: string, now: number): void {
  if (now - (lastSeenWritten.get(sessionId) ?? 0) < LAST_SEEN_EVERY_MS) return;
  if (lastSeenWritten.size > 100_000) lastSeenWritten.clear();
  lastSeenWritten.set(sessionId, now);
  void getDb()
    .then((db) => db.authSession.updateMany({ where: { id: sessionId }, data: { lastSeenAt: new Date(now) } }))
    .catch(() => undefined);
}

export async function revokeSession(sessionId: string): Promise<void> {
  const db = await getDb();
  await db.authSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
  forget({ sessionId });
  publish("auth-sessions", { sessionId } satisfies Revocation);
}

/** Ends every session and token family of a user (but `except`, the one making the change). */
export async function revokeUserSessions(userId: string, options: { except?: string } = {}): Promise<number> {
  const db = await getDb();
  const { count } = await db.authSession.updateMany({
    where: { userId, revokedAt: null, ...(options.except ? { id: { not: options.except } } : {}) },
    data: { revokedAt: new Date() },
  });
  forget({ userId });
  publish("auth-sessions", { userId } satisfies Revocation);
  return count;
}

/** Drops what every instance cached about a user's sessions (after a change they must see at once). */
export function forgetUserSessions(userId: string): void {
  forget({ userId });
  publish("auth-sessions", { userId } satisfies Revocation);
}

/** Moves a token family to its next refresh generation; false when `from` is no longer the current one. */
export async function advanceRefreshGeneration(sessionId: string, from: number): Promise<boolean> {
  const db = await getDb();
  const { count } = await db.authSession.updateMany({
    where: { id: sessionId, refreshGeneration: from, revokedAt: null, expiresAt: { gt: new Date() } },
    data: { refreshGeneration: from + 1, lastSeenAt: new Date() },
  });
  forget({ sessionId });
  return count === 1;
}

/** How a user signs in and when they last did, for the admin's user page. */
export async function signInSummary(userId: string) {
  const db = await getDb();
  const [user, methods, last, active] = await Promise.all([
    db.user.findUnique({
      where: { id: userId },
      select: { passwordHash: true, externalId: true, emailVerifiedAt: true },
    }),
    db.authSession.groupBy({ by: ["method"], where: { userId } }),
    db.authSession.findFirst({
      where: { userId },
      orderBy: { createdAt: "desc" },
      select: { createdAt: true, method: true },
    }),
    db.authSession.count({ where: { userId, revokedAt: null, expiresAt: { gt: new Date() } } }),
  ]);
  const used = new Set(methods.map((m) => m.method));
  const ways = [
    ...(user?.passwordHash ? ["password"] : []),
    ...(used.has("sso") || user?.externalId?.startsWith("sso:") ? ["sso"] : []),
    ...(used.has("oidc") || user?.externalId?.startsWith("oidc:") ? ["oidc"] : []),
  ];
  return {
    methods: ways,
    emailVerified: !!user?.emailVerifiedAt,
    lastSignInAt: last?.createdAt ?? null,
    lastSignInMethod: last?.method ?? null,
    activeSessions: active,
  };
}
