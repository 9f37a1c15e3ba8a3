import "server-only";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { publish, subscribe } from "@/lib/events/bus";
import { decryptSecret } from "./crypto";
import type { ModelKind, ResolvedModel, ResolvedProvider } from "./types";

// The model catalog (public id → provider + upstream id + prices), held in memory and reloaded
// when an admin changes a model or provider here or on another instance ("catalog" topic).
type Catalog = { models: Map<string, ResolvedModel>; loadedAt: number };
const TTL_MS = 60_000;

const globalForCatalog = globalThis as unknown as {
  tollgateCatalog?: Catalog;
  tollgateCatalogLoad?: Promise<Catalog>;
  tollgateCatalogSub?: boolean;
  /** Start-up's model discovery finished and the catalog was loaded after it. */
  tollgateCatalogReady?: boolean;
};

async function loadCatalog(): Promise<Catalog> {
  const db = await getDb();
  const rows = await db.model.findMany({
    where: { enabled: true, provider: { enabled: true } },
    include: { provider: { omit: { apiKeyEnc: false, awsAccessKeyIdEnc: false, awsSecretKeyEnc: false } } },
  });
  const models = new Map<string, ResolvedModel>();
  for (const row of rows) {
    const p = row.provider;
    const provider: ResolvedProvider = {
      id: p.id,
      name: p.name,
      kind: p.kind,
      baseUrl: p.baseUrl,
      apiKey: decryptSecret(p.apiKeyEnc),
      awsAccessKeyId: decryptSecret(p.awsAccessKeyIdEnc),
      awsSecretAccessKey: decryptSecret(p.awsSecretKeyEnc),
      regions: p.regions,
    };
    models.set(row.publicId, {
      id: row.id,
      publicId: row.publicId,
      upstreamId: row.upstreamId,
      kind: row.kind,
      description: row.description,
      inputPrice: row.inputPrice,
      outputPrice: row.outputPrice,
      cachedInputPrice: row.cachedInputPrice,
      contextWindow: row.contextWindow,
      maxOutputTokens: row.maxOutputTokens,
      supportsImages: row.supportsImages,
      supportsTools: row.supportsTools,
      fallbacks: row.fallbacks,
      provider,
    });
  }
  return { models, loadedAt: Date.now() };
}

async function catalog(): Promise<Catalog> {
  if (!globalForCatalog.tollgateCatalogSub) {
    globalForCatalog.tollgateCatalogSub = true;
    subscribe("catalog", () => {
      globalForCatalog.tollgateCatalog = undefined;
    });
  }
  const current = globalForCatalog.tollgateCatalog;
  if (current && Date.now() - current.loadedAt < TTL_MS) return current;
  globalForCatalog.tollgateCatalogLoad ??= loadCatalog()
    .then((c) => (globalForCatalog.tollgateCatalog = c))
    .finally(() => {
      globalForCatalog.tollgateCatalogLoad = undefined;
    });
  return globalForCatalog.tollgateCatalogLoad;
}

/** Call after any change to models or providers. */
export function invalidateCatalog(): void {
  globalForCatalog.tollgateCatalog = undefined;
  publish("catalog");
}

/**
 * Loads the catalog once start-up has discovered the providers' models: until then the instance is
 * not ready (lib/readiness.ts), since /v1/models would list too little and calls would answer 404.
 */
export async function loadCatalogAfterDiscovery(): Promise<ResolvedModel[]> {
  const models = await listEnabledModels();
  globalForCatalog.tollgateCatalogReady = true;
  return models;
}

export function catalogReady(): boolean {
  return globalForCatalog.tollgateCatalogReady === true;
}

export async function listEnabledModels(): Promise<ResolvedModel[]> {
  // DEFAULT_MODEL (Brousla's OPENAI_MODEL) comes first: the chat and the compat routes start with it.
  const first = config().DEFAULT_MODEL;
  return [...(await catalog()).models.values()].sort(
    (a, b) => Number(b.publicId === first) - Number(a.publicId === first) || a.publicId.localeCompare(b.publicId),
  );
}

export async function findModel(publicId: string): Promise<ResolvedModel | undefined> {
  return (await catalog()).models.get(publicId);
}

/** The model by its public id; a model of another kind (an embedding model asked to chat, say) is a 400 that says which endpoint it answers. */
export async function resolveModelOrThrow(publicId: string, kind: ModelKind = "CHAT"): Promise<ResolvedModel> {
  const { models } = await catalog();
  if (models.size === 0) {
    throw new AppError(
      "no_provider",
      "No model is available yet: an administrator must configure a provider (OPENAI_API_KEY, OPENAI_COMPATIBLE_BASE_URL, OLLAMA_BASE_URL or Bedrock) or add one in the admin dashboard",
    );
  }
  const model = models.get(publicId);
  if (!model)
    throw new AppError("model_not_found", `The model '${publicId.slice(0, 200)}' does not exist or is not enabled`, {
      param: "model",
    });
  if (model.kind !== kind) throw new AppError("bad_request", wrongKindMessage(model), { param: "model" });
  return model;
}

function wrongKindMessage(model: ResolvedModel): string {
  return model.kind === "EMBEDDING"
    ? `The model '${model.publicId}' is an embedding model: call POST /v1/embeddings with it, not a chat or messages endpoint`
    : `The model '${model.publicId}' is a chat model and cannot create embeddings: pick an embedding model (see GET /v1/models, kind "embedding")`;
}

/** Whether a key with this allow-list may use the model (an empty list allows every model). */
export function keyAllowsModel(allowedModels: string[], publicId: string): boolean {
  return allowedModels.length === 0 || allowedModels.includes(publicId);
}

export function listModelsForKey(models: ResolvedModel[], allowedModels: string[]): ResolvedModel[] {
  return models.filter((m) => keyAllowsModel(allowedModels, m.publicId));
}
