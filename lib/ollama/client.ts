import "server-only";
import { type AuditEntry, writeAudit } from "@/lib/audit";
import { getDb } from "@/lib/db/client";
import { AppError, isAppError } from "@/lib/errors";
import { upstreamFetch } from "@/lib/providers/http";
import type { Pagination } from "@/lib/validations/admin";

// Talks to an Ollama server through its provider's base URL: installed, loaded and deleted models.

export type OllamaProvider = { id: string; name: string; baseUrl: string };

/** The named provider, or else the first Ollama provider configured. */
export async function ollamaProviderOrThrow(providerId?: string): Promise<OllamaProvider> {
  const db = await getDb();
  const p = providerId
    ? await db.provider.findUnique({
        where: { id: providerId },
        select: { id: true, name: true, kind: true, baseUrl: true },
      })
    : await db.provider.findFirst({
        where: { kind: "OLLAMA" },
        select: { id: true, name: true, kind: true, baseUrl: true },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
  if (!p)
    throw new AppError(
      "not_found",
      providerId ? "Provider not found" : "No Ollama provider is configured; add one under Providers first",
    );
  if (p.kind !== "OLLAMA")
    throw new AppError("validation_error", `provider_id: '${p.name}' is not an Ollama provider`, {
      param: "provider_id",
    });
  return { id: p.id, name: p.name, baseUrl: (p.baseUrl ?? "http://127.0.0.1:11434").replace(/\/+$/, "") };
}

/** fetch to Ollama; an unreachable server is a 502 that says which server. */
export async function ollamaFetch(
  p: OllamaProvider,
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
) {
  try {
    return await upstreamFetch(`${p.baseUrl}${path}`, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? {} : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal ?? AbortSignal.timeout(10_000),
    });
  } catch (err) {
    if (isAppError(err)) throw err;
    throw new AppError(
      "upstream_error",
      `Ollama at ${p.baseUrl} is unreachable (${err instanceof Error ? err.message : "network error"})`,
    );
  }
}

/** Ollama's error text for a failed call, as our error: its 404 stays a 404. */
export async function ollamaErrorFrom(
  res: { status: number; text(): Promise<string> },
  what: string,
): Promise<AppError> {
  const text = await res.text().catch(() => "");
  let message = text.slice(0, 300);
  try {
    message = String((JSON.parse(text) as { error?: unknown }).error ?? message).slice(0, 300);
  } catch {
    // not JSON: keep the text
  }
  if (res.status === 404) return new AppError("not_found", `${what}: ${message || "not found"}`);
  return new AppError("upstream_error", `${what}: Ollama answered ${res.status}${message ? ` (${message})` : ""}`);
}

type TagsResponse = {
  models?: Array<{
    name?: string;
    size?: number;
    digest?: string;
    modified_at?: string;
    details?: { family?: string; parameter_size?: string; quantization_level?: string };
  }>;
};

export async function listInstalledOllamaModels(input: Pagination & { providerId?: string }) {
  const p = await ollamaProviderOrThrow(input.providerId);
  const res = await ollamaFetch(p, "/api/tags");
  if (!res.ok) throw await ollamaErrorFrom(res, "Listing models failed");
  const models = ((await res.json()) as TagsResponse).models ?? [];
  const all = models
    .filter((m) => m.name && (!input.q || m.name.toLowerCase().includes(input.q.toLowerCase())))
    .map((m) => ({
      name: m.name!,
      sizeBytes: m.size ?? null,
      digest: m.digest ?? null,
      modifiedAt: m.modified_at ?? null,
      family: m.details?.family ?? null,
      parameterSize: m.details?.parameter_size ?? null,
      quantization: m.details?.quantization_level ?? null,
    }));
  return {
    provider: { id: p.id, name: p.name },
    total: all.length,
    items: all.slice(input.offset, input.offset + input.limit),
  };
}

export async function deleteOllamaModel(input: { name: string; providerId?: string; actor: AuditEntry["actor"] }) {
  const p = await ollamaProviderOrThrow(input.providerId);
  const res = await ollamaFetch(p, "/api/delete", { method: "DELETE", body: { model: input.name } });
  if (!res.ok) throw await ollamaErrorFrom(res, `Deleting '${input.name}' failed`);
  await writeAudit({
    actor: input.actor,
    action: "ollama.delete",
    targetType: "ollama_model",
    targetId: input.name,
    before: { provider: p.name, name: input.name },
  });
  return { deleted: true, name: input.name, provider: { id: p.id, name: p.name } };
}

/** Models loaded in memory on the first Ollama server (GET /api/ps); none when there is no server or it does not answer. */
export async function listLoadedOllamaModels(): Promise<string[]> {
  try {
    const p = await ollamaProviderOrThrow();
    const res = await ollamaFetch(p, "/api/ps", { signal: AbortSignal.timeout(1_500) });
    if (!res.ok) return [];
    const body = (await res.json()) as { models?: Array<{ name?: string }> };
    return (body.models ?? []).map((m) => m.name).filter((n): n is string => !!n);
  } catch {
    return [];
  }
}
