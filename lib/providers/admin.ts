import "server-only";
import { type AuditEntry, writeAudit } from "@/lib/audit";
import { formatMoney, parseMoney } from "@/lib/billing/money";
import { getDb } from "@/lib/db/client";
import { isNotFound, isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logging/logger";
import { checkOutboundUrl, OutboundRefused } from "@/lib/net/policy";
import type { Pagination } from "@/lib/validations/admin";
import type { ModelCreate, ProviderCreate } from "@/lib/validations/providers";
import { bedrockRegions, listFoundationModels } from "./bedrock";
import { invalidateCatalog } from "./catalog";
import { decryptSecret, encryptSecret } from "./crypto";
import { upstreamFetch } from "./http";

// Providers and models as admins manage them. Credentials go in encrypted and never come out.
// With an actor (the admin API), each change and its audit row commit together.

type Actor = AuditEntry["actor"];

const providerPublic = {
  id: true,
  name: true,
  kind: true,
  baseUrl: true,
  regions: true,
  enabled: true,
  createdAt: true,
  updatedAt: true,
  apiKeyEnc: true,
  awsAccessKeyIdEnc: true,
} as const;

function presentProvider<T extends { apiKeyEnc: string | null; awsAccessKeyIdEnc: string | null }>(
  p: T,
): Omit<T, "apiKeyEnc" | "awsAccessKeyIdEnc"> & { hasApiKey: boolean; hasAwsCredentials: boolean } {
  const { apiKeyEnc, awsAccessKeyIdEnc, ...rest } = p;
  return { ...rest, hasApiKey: !!apiKeyEnc, hasAwsCredentials: !!awsAccessKeyIdEnc };
}

function credentialData(input: Partial<ProviderCreate>) {
  const data: Record<string, string | null> = {};
  if (input.apiKey !== undefined) data.apiKeyEnc = input.apiKey ? encryptSecret(input.apiKey) : null;
  if (input.awsAccessKeyId !== undefined)
    data.awsAccessKeyIdEnc = input.awsAccessKeyId ? encryptSecret(input.awsAccessKeyId) : null;
  if (input.awsSecretAccessKey !== undefined)
    data.awsSecretKeyEnc = input.awsSecretAccessKey ? encryptSecret(input.awsSecretAccessKey) : null;
  return data;
}

export async function listProviders(input: Pagination & { kind?: ProviderCreate["kind"] } = { limit: 200, offset: 0 }) {
  const db = await getDb();
  const where: Prisma.ProviderWhereInput = {
    ...(input.kind ? { kind: input.kind } : {}),
    ...(input.q
      ? {
          OR: [
            { name: { contains: input.q, mode: "insensitive" } },
            { baseUrl: { contains: input.q, mode: "insensitive" } },
          ],
        }
      : {}),
  };
  const [total, rows] = await Promise.all([
    db.provider.count({ where }),
    db.provider.findMany({
      where,
      select: { ...providerPublic, _count: { select: { models: true } } },
      orderBy: { name: "asc" },
      take: input.limit,
      skip: input.offset,
    }),
  ]);
  return { total, items: rows.map(presentProvider) };
}

export async function getProviderOrThrow(id: string) {
  const db = await getDb();
  const row = await db.provider.findUnique({ where: { id }, select: providerPublic });
  if (!row) throw new AppError("not_found", "Provider not found");
  return presentProvider(row);
}

/** Runs a change and, when an admin made it, its audit row in one transaction. */
async function audited<T>(
  actor: Actor | undefined,
  change: (tx: Prisma.TransactionClient) => Promise<T>,
  entry: (result: T) => Omit<AuditEntry, "actor">,
): Promise<T> {
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const result = await change(tx);
    if (actor) await writeAudit({ actor, ...entry(result) }, tx);
    return result;
  });
}

/** 400 naming the problem when a base URL points where Tollgate may not connect. */
async function checkBaseUrl(baseUrl: string | null | undefined): Promise<void> {
  if (!baseUrl) return;
  try {
    await checkOutboundUrl(baseUrl.replaceAll("{region}", "us-east-1"));
  } catch (err) {
    if (err instanceof OutboundRefused)
      throw new AppError("validation_error", `baseUrl: ${err.message}`, { param: "baseUrl" });
    throw err;
  }
}

export async function createProvider(input: ProviderCreate, actor?: Actor) {
  await checkBaseUrl(input.baseUrl);
  try {
    const row = await audited(
      actor,
      (tx) =>
        tx.provider.create({
          data: {
            name: input.name,
            kind: input.kind,
            baseUrl: input.baseUrl ?? null,
            regions: input.regions ?? [],
            enabled: input.enabled ?? true,
            ...credentialData(input),
          },
          select: providerPublic,
        }),
      (r) => ({ action: "provider.create", targetType: "provider", targetId: r.id, after: presentProvider(r) }),
    );
    invalidateCatalog();
    return presentProvider(row);
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError("conflict", `A provider named '${input.name}' already exists`, { param: "name" });
    throw err;
  }
}

export async function updateProvider(id: string, input: Partial<ProviderCreate>, actor?: Actor) {
  const before = await getProviderOrThrow(id);
  await checkBaseUrl(input.baseUrl);
  try {
    const plain = without(input, ["apiKey", "awsAccessKeyId", "awsSecretAccessKey"]);
    const row = await audited(
      actor,
      (tx) =>
        tx.provider.update({ where: { id }, data: { ...plain, ...credentialData(input) }, select: providerPublic }),
      (r) => ({ action: "provider.update", targetType: "provider", targetId: id, before, after: presentProvider(r) }),
    );
    invalidateCatalog();
    return presentProvider(row);
  } catch (err) {
    if (isNotFound(err)) throw new AppError("not_found", "Provider not found");
    if (isUniqueViolation(err))
      throw new AppError("conflict", "A provider with that name already exists", { param: "name" });
    throw err;
  }
}

export async function deleteProvider(id: string, actor?: Actor) {
  try {
    await audited(
      actor,
      (tx) => tx.provider.delete({ where: { id }, select: providerPublic }),
      (r) => ({ action: "provider.delete", targetType: "provider", targetId: id, before: presentProvider(r) }),
    );
    invalidateCatalog();
  } catch (err) {
    if (isNotFound(err)) throw new AppError("not_found", "Provider not found");
    throw err;
  }
}

async function providerWithSecrets(id: string) {
  const db = await getDb();
  const p = await db.provider.findUnique({ where: { id }, omit: { apiKeyEnc: false } });
  if (!p) throw new AppError("not_found", "Provider not found");
  return { ...p, apiKey: decryptSecret(p.apiKeyEnc) };
}

/** Model ids the provider lists (OpenAI-wire GET /models, Ollama GET /api/tags); Bedrock: none. */
/** An unreachable provider is a 502 that says so, not an internal error. */
async function fetchListing(url: string, init: { signal: AbortSignal; headers?: Record<string, string> }) {
  try {
    return await upstreamFetch(url, init);
  } catch (err) {
    throw new AppError(
      "upstream_error",
      `The provider is unreachable (${err instanceof Error ? err.message : "network error"})`,
    );
  }
}

export async function listUpstreamModels(id: string, timeoutMs = 5_000): Promise<string[]> {
  const p = await providerWithSecrets(id);
  const signal = AbortSignal.timeout(timeoutMs);
  if (p.kind === "OLLAMA") {
    const res = await fetchListing(`${(p.baseUrl ?? "http://127.0.0.1:11434").replace(/\/+$/, "")}/api/tags`, {
      signal,
    });
    if (!res.ok) throw new AppError("upstream_error", `Ollama answered ${res.status}`);
    const json = (await res.json()) as { models?: Array<{ name?: string }> };
    return (json.models ?? []).map((m) => m.name).filter((n): n is string => !!n);
  }
  if (p.kind === "BEDROCK") return [];
  const base = (p.baseUrl ?? "https://api.openai.com/v1").replace(/\/+$/, "");
  const res = await fetchListing(`${base}/models`, {
    signal,
    headers: p.apiKey ? { authorization: `Bearer ${p.apiKey}` } : {},
  });
  if (!res.ok) throw new AppError("upstream_error", `The provider answered ${res.status} when listing models`);
  const json = (await res.json()) as { data?: Array<{ id?: string }> };
  return (json.data ?? []).map((m) => m.id).filter((n): n is string => !!n);
}

/** A discovered model named like an embedding model (text-embedding-3-small, nomic-embed-text) starts as one; an admin can change it. */
export function guessModelKind(upstreamId: string): "CHAT" | "EMBEDDING" {
  return /embed/i.test(upstreamId) ? "EMBEDDING" : "CHAT";
}

/** Adds every listed model that is not in the catalog yet (free until an admin sets prices). */
export async function refreshProviderModels(
  id: string,
  actor?: Actor,
): Promise<{ discovered: number; added: string[] }> {
  const ids = await listUpstreamModels(id);
  const db = await getDb();
  const existing = new Set(
    (await db.model.findMany({ where: { publicId: { in: ids } }, select: { publicId: true } })).map((m) => m.publicId),
  );
  const added: string[] = [];
  for (const upstreamId of ids) {
    if (existing.has(upstreamId)) continue;
    try {
      await db.model.create({
        data: {
          publicId: upstreamId,
          upstreamId,
          providerId: id,
          kind: guessModelKind(upstreamId),
          description: "Discovered from the provider",
        },
      });
      added.push(upstreamId);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }
  if (added.length) invalidateCatalog();
  if (actor && added.length)
    await writeAudit({ actor, action: "provider.refresh", targetType: "provider", targetId: id, after: { added } });
  return { discovered: ids.length, added };
}

/** Bedrock: the foundation models of the provider's first region (proves keys and region). */
async function listBedrockModels(id: string, timeoutMs: number): Promise<string[]> {
  const db = await getDb();
  const p = await db.provider.findUniqueOrThrow({
    where: { id },
    omit: { awsAccessKeyIdEnc: false, awsSecretKeyEnc: false },
  });
  const [region] = await bedrockRegions(p);
  const provider = {
    name: p.name,
    baseUrl: p.baseUrl,
    awsAccessKeyId: decryptSecret(p.awsAccessKeyIdEnc),
    awsSecretAccessKey: decryptSecret(p.awsSecretKeyEnc),
  };
  return listFoundationModels(provider, region, AbortSignal.timeout(timeoutMs));
}

export async function testProviderConnection(
  id: string,
): Promise<{ ok: boolean; latencyMs: number; models: number; error?: string }> {
  const { kind } = await getProviderOrThrow(id);
  const started = performance.now();
  try {
    const ids = kind === "BEDROCK" ? await listBedrockModels(id, 5_000) : await listUpstreamModels(id);
    return { ok: true, latencyMs: Math.round(performance.now() - started), models: ids.length };
  } catch (err) {
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      models: 0,
      error: err instanceof Error ? err.message : "unreachable",
    };
  }
}

const PRICE_FIELDS = ["inputPrice", "outputPrice", "cachedInputPrice"] as const;

function without<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Omit<T, K> {
  const copy = { ...obj };
  for (const k of keys) delete copy[k];
  return copy;
}

function priceData(input: Partial<ModelCreate>) {
  const price = (v: string | null | undefined, field: string) => {
    if (v === undefined) return undefined;
    if (v === null) return null;
    const micros = parseMoney(v);
    if (micros === null || micros < 0n)
      throw new AppError("validation_error", `${field}: must be a non-negative price`, { param: field });
    return micros;
  };
  return {
    inputPrice: price(input.inputPrice, "inputPrice") ?? undefined,
    outputPrice: price(input.outputPrice, "outputPrice") ?? undefined,
    cachedInputPrice: price(input.cachedInputPrice, "cachedInputPrice"),
  };
}

export function presentModel<T extends { inputPrice: bigint; outputPrice: bigint; cachedInputPrice: bigint | null }>(
  m: T,
): Omit<T, (typeof PRICE_FIELDS)[number]> & {
  inputPrice: string;
  outputPrice: string;
  cachedInputPrice: string | null;
} {
  return {
    ...m,
    inputPrice: formatMoney(m.inputPrice),
    outputPrice: formatMoney(m.outputPrice),
    cachedInputPrice: m.cachedInputPrice === null ? null : formatMoney(m.cachedInputPrice),
  };
}

export async function listModelsAdmin(input: Pagination & { providerId?: string } = { limit: 200, offset: 0 }) {
  const db = await getDb();
  const contains = input.q ? ({ contains: input.q, mode: "insensitive" } as const) : undefined;
  const where: Prisma.ModelWhereInput = {
    ...(input.providerId ? { providerId: input.providerId } : {}),
    ...(contains ? { OR: [{ publicId: contains }, { upstreamId: contains }, { description: contains }] } : {}),
  };
  const [total, rows] = await Promise.all([
    db.model.count({ where }),
    db.model.findMany({
      where,
      include: { provider: { select: { name: true, kind: true } } },
      orderBy: { publicId: "asc" },
      take: input.limit,
      skip: input.offset,
    }),
  ]);
  return { total, items: rows.map(presentModel) };
}

export async function createModel(input: ModelCreate, actor?: Actor) {
  const data = { ...without(input, PRICE_FIELDS), ...priceData(input) };
  try {
    const row = await audited(
      actor,
      (tx) => tx.model.create({ data }),
      (r) => ({ action: "model.create", targetType: "model", targetId: r.id, after: presentModel(r) }),
    );
    invalidateCatalog();
    return presentModel(row);
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError("conflict", `A model '${input.publicId}' already exists`, { param: "publicId" });
    if ((err as { code?: string }).code === "P2003")
      throw new AppError("validation_error", "providerId: no such provider", { param: "providerId" });
    throw err;
  }
}

export async function updateModel(id: string, input: Partial<ModelCreate>, actor?: Actor) {
  const data = { ...without(input, PRICE_FIELDS), ...priceData(input) };
  const db = await getDb();
  const before = await db.model.findUnique({ where: { id } });
  if (!before) throw new AppError("not_found", "Model not found");
  try {
    const row = await audited(
      actor,
      (tx) => tx.model.update({ where: { id }, data }),
      (r) => ({
        action: "model.update",
        targetType: "model",
        targetId: id,
        before: presentModel(before),
        after: presentModel(r),
      }),
    );
    invalidateCatalog();
    return presentModel(row);
  } catch (err) {
    if (isNotFound(err)) throw new AppError("not_found", "Model not found");
    if (isUniqueViolation(err))
      throw new AppError("conflict", "A model with that public id already exists", { param: "publicId" });
    if ((err as { code?: string }).code === "P2003")
      throw new AppError("validation_error", "providerId: no such provider", { param: "providerId" });
    throw err;
  }
}

export async function deleteModel(id: string, actor?: Actor) {
  try {
    await audited(
      actor,
      (tx) => tx.model.delete({ where: { id } }),
      (r) => ({ action: "model.delete", targetType: "model", targetId: id, before: presentModel(r) }),
    );
    invalidateCatalog();
  } catch (err) {
    if (isNotFound(err)) throw new AppError("not_found", "Model not found");
    throw err;
  }
}

export async function discoverAllQuietly(providerIds: string[]): Promise<void> {
  for (const id of providerIds) {
    try {
      const { added } = await refreshProviderModels(id);
      if (added.length) logger.info({ providerId: id, added }, "discovered models");
    } catch (err) {
      logger.warn({ providerId: id, err: err instanceof Error ? err.message : String(err) }, "model discovery failed");
    }
  }
}
