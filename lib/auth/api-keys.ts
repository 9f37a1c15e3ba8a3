import "server-only";
import { hash as digestOf, randomBytes, timingSafeEqual } from "node:crypto";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { publish, subscribe } from "@/lib/events/bus";

// API keys are `tg-` + 40 base62 characters. Only a SHA-256 hash and a visible prefix are stored.
// Keys imported from the systems Tollgate replaces (lib/keys/import.ts) keep their own form: any
// 32 to 256 printable characters; they live in the same index, found by the same hash.
const KEY_PATTERN = /^tg-[A-Za-z0-9]{40}$/;
const IMPORTED_KEY_PATTERN = /^[\x21-\x7e]{32,256}$/;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const bytes = randomBytes(64);
  let body = "";
  for (let i = 0; body.length < 40; i++) {
    const b = bytes[i % bytes.length];
    if (b < 248) body += ALPHABET[b % 62]; // 248 = 4×62: no modulo bias
    if (i >= bytes.length - 1 && body.length < 40) return generateApiKey();
  }
  const key = `tg-${body}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 10) };
}

export function hashApiKey(key: string): string {
  // The one-shot form: createHash makes a Hash object (a stream, with a native handle for the
  // collector to finalise) for every request.
  return digestOf("sha256", key, "hex");
}

/** A Tollgate key (`tg-…`): the form callers may tell apart from passwords and tokens. */
export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/** Any bearer the key index may hold: a Tollgate key or one imported from another system. */
function mayBeStoredKey(value: string): boolean {
  return KEY_PATTERN.test(value) || IMPORTED_KEY_PATTERN.test(value);
}

export type KeyRecord = {
  id: string;
  name: string;
  prefix: string;
  role: "USER" | "ADMIN";
  allowedModels: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  userId: string;
  userEmail: string;
  userRole: "USER" | "ADMIN";
  userActive: boolean;
  groupId: string | null;
  /** Requests / tokens per minute on the key and on its owner (null: no limit). */
  rates: { keyRpm: number | null; keyTpm: number | null; userRpm: number | null; userTpm: number | null };
};

// An in-memory index of every key, so authenticating a request needs no database query. It is
// refreshed incrementally when this or another instance publishes a change ("keys" topic), and
// at most once a second on a miss (a key created moments ago elsewhere) — a flood of bad keys
// costs at most one query a second.
type Index = { byHash: Map<string, KeyRecord>; syncedAt: Date; stale: boolean; fullReloadDue: boolean };
const MISS_REFRESH_MS = 1_000;
const FULL_RELOAD_MS = 5 * 60_000;

const globalForKeys = globalThis as unknown as {
  tollgateKeyIndex?: Index;
  tollgateKeyLoad?: Promise<void>;
  /** The load in flight was started by a change or the first request, not by a miss. */
  tollgateKeyLoadBlocks?: boolean;
  tollgateKeySubscribed?: boolean;
  tollgateKeyLastMissRefresh?: number;
  tollgateKeyLastFull?: number;
};

const keySelect = {
  id: true,
  name: true,
  prefix: true,
  hash: true,
  role: true,
  allowedModels: true,
  expiresAt: true,
  revokedAt: true,
  userId: true,
  limit: { select: { rpm: true, tpm: true } },
  user: {
    select: { email: true, role: true, status: true, groupId: true, limit: { select: { rpm: true, tpm: true } } },
  },
} as const;

let databaseLoads = 0;
/** How many times the index went to the database (tests and the benchmark check it stays flat). */
export function keyIndexLoads(): number {
  return databaseLoads;
}

async function loadKeys(since: Date | null): Promise<void> {
  databaseLoads++;
  const db = await getDb();
  const startedAt = new Date(Date.now() - 1_000); // overlap: rows committed during the query
  const rows = await db.apiKey.findMany({
    select: keySelect,
    where: since ? { OR: [{ updatedAt: { gte: since } }, { user: { updatedAt: { gte: since } } }] } : undefined,
  });
  const index: Index =
    since && globalForKeys.tollgateKeyIndex
      ? globalForKeys.tollgateKeyIndex
      : { byHash: new Map(), syncedAt: startedAt, stale: false, fullReloadDue: false };
  for (const row of rows) {
    index.byHash.set(row.hash, {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      role: row.role,
      allowedModels: row.allowedModels,
      expiresAt: row.expiresAt,
      revokedAt: row.revokedAt,
      userId: row.userId,
      userEmail: row.user.email,
      userRole: row.user.role,
      userActive: row.user.status === "ACTIVE",
      groupId: row.user.groupId,
      rates: {
        keyRpm: row.limit?.rpm ?? null,
        keyTpm: row.limit?.tpm ?? null,
        userRpm: row.user.limit?.rpm ?? null,
        userTpm: row.user.limit?.tpm ?? null,
      },
    });
  }
  index.syncedAt = startedAt;
  globalForKeys.tollgateKeyIndex = index;
  if (!since) globalForKeys.tollgateKeyLastFull = Date.now();
}

function sync(blocks: boolean): Promise<void> {
  if (!globalForKeys.tollgateKeyLoad) {
    globalForKeys.tollgateKeyLoadBlocks = blocks;
    const index = globalForKeys.tollgateKeyIndex;
    const full =
      !index || index.fullReloadDue || Date.now() - (globalForKeys.tollgateKeyLastFull ?? 0) > FULL_RELOAD_MS;
    if (index) {
      index.stale = false;
      index.fullReloadDue = false;
    }
    globalForKeys.tollgateKeyLoad = loadKeys(full ? null : index!.syncedAt).finally(() => {
      globalForKeys.tollgateKeyLoad = undefined;
    });
  }
  return globalForKeys.tollgateKeyLoad;
}

function markStale(payload: unknown): void {
  const index = globalForKeys.tollgateKeyIndex;
  if (!index) return;
  index.stale = true;
  if ((payload as { full?: boolean } | undefined)?.full) index.fullReloadDue = true;
}

function ensureSubscribed(): void {
  if (globalForKeys.tollgateKeySubscribed) return;
  globalForKeys.tollgateKeySubscribed = true;
  subscribe("keys", markStale);
}

/** Call after creating, updating or revoking a key, or changing a user's role, status, group or rate limits. */
export function invalidateKeyIndex(options: { full?: boolean } = {}): void {
  publish("keys", options);
}

export type KeyCaller = { kind: "admin-token" } | { kind: "key"; key: KeyRecord };

/** Resolves a bearer token to a key, or throws 401. Same decision for every path and header. */
export async function authenticateApiKey(raw: string): Promise<KeyCaller> {
  // One SHA-256 of the token serves both the admin-token comparison and the key lookup.
  const hash = hashApiKey(raw);
  const adminToken = config().ADMIN_API_KEY;
  if (adminToken && sameDigest(hash, adminToken)) return { kind: "admin-token" };
  if (!mayBeStoredKey(raw)) throw new AppError("unauthorized", "Invalid API key");
  ensureSubscribed();
  // A load in flight after a change is awaited, so no caller reads the index half-updated. One
  // started by a miss (maybe a flood of bad keys) is awaited by misses only: known keys go on.
  const index = globalForKeys.tollgateKeyIndex;
  if (!index || index.stale || (globalForKeys.tollgateKeyLoad && globalForKeys.tollgateKeyLoadBlocks)) await sync(true);
  let record = globalForKeys.tollgateKeyIndex!.byHash.get(hash);
  if (
    !record &&
    (globalForKeys.tollgateKeyLoad || Date.now() - (globalForKeys.tollgateKeyLastMissRefresh ?? 0) > MISS_REFRESH_MS)
  ) {
    if (!globalForKeys.tollgateKeyLoad) globalForKeys.tollgateKeyLastMissRefresh = Date.now();
    await sync(false);
    record = globalForKeys.tollgateKeyIndex!.byHash.get(hash);
  }
  if (!record) throw new AppError("unauthorized", "Invalid API key");
  if (record.revokedAt) throw new AppError("unauthorized", "This API key has been revoked");
  if (record.expiresAt && record.expiresAt.getTime() <= Date.now())
    throw new AppError("unauthorized", "This API key has expired");
  if (!record.userActive) throw new AppError("unauthorized", "The account that owns this API key is disabled");
  return { kind: "key", key: record };
}

const configuredDigests = new Map<string, Buffer>();

/**
 * Whether a caller's secret equals a configured one (ADMIN_API_KEY, METRICS_TOKEN), in constant time:
 * SHA-256 digests of both through timingSafeEqual. The configured secret's digest is kept.
 */
export function sameSecret(given: string, configured: string): boolean {
  return sameDigest(hashApiKey(given), configured);
}

/** sameSecret for a secret whose digest (hashApiKey: hex SHA-256) is at hand. */
function sameDigest(givenHex: string, configured: string): boolean {
  let digest = configuredDigests.get(configured);
  if (!digest) {
    if (configuredDigests.size >= 8) configuredDigests.clear(); // a few configured secrets; replaced ones go
    configuredDigests.set(configured, (digest = Buffer.from(hashApiKey(configured), "latin1")));
  }
  return timingSafeEqual(Buffer.from(givenHex, "latin1"), digest);
}

/** Reads the key from `Authorization: Bearer …` or `x-api-key`. */
export function bearerFrom(headers: Headers): string | null {
  const auth = headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    return m ? m[1].trim() : auth.trim();
  }
  return headers.get("x-api-key")?.trim() || null;
}
