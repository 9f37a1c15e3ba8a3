import "server-only";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { discoverAllQuietly } from "./admin";
import { invalidateCatalog } from "./catalog";
import { encryptSecret } from "./crypto";
import type { ProviderKind } from "./types";

// Providers named in the environment (a quick start without the admin UI) are kept in the
// database like any other, so admins can price their models; env values win at every start.
// Bedrock's credentials are not copied: the AWS default chain reads them where they are (these
// variables with their session token, AWS_PROFILE, or the server's role) and refreshes them.
type EnvProvider = { name: string; kind: ProviderKind; baseUrl: string | null; apiKey?: string; regions?: string[] };

function envProviders(): EnvProvider[] {
  const cfg = config();
  const list: EnvProvider[] = [];
  if (cfg.OPENAI_API_KEY)
    list.push({ name: "openai", kind: "OPENAI", baseUrl: cfg.OPENAI_BASE_URL ?? null, apiKey: cfg.OPENAI_API_KEY });
  if (cfg.OPENAI_COMPATIBLE_BASE_URL)
    list.push({
      name: "openai-compatible",
      kind: "OPENAI_COMPATIBLE",
      baseUrl: cfg.OPENAI_COMPATIBLE_BASE_URL,
      apiKey: cfg.OPENAI_COMPATIBLE_API_KEY,
    });
  if (cfg.OLLAMA_BASE_URL) list.push({ name: "ollama", kind: "OLLAMA", baseUrl: cfg.OLLAMA_BASE_URL });
  const regions = (cfg.BEDROCK_REGIONS ?? "")
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  if (regions.length || cfg.AWS_ACCESS_KEY_ID || cfg.AWS_PROFILE) {
    list.push({
      name: "bedrock",
      kind: "BEDROCK",
      baseUrl: cfg.BEDROCK_ENDPOINT_URL ?? null,
      regions: regions.length ? regions : cfg.AWS_REGION ? [cfg.AWS_REGION] : [],
    });
  }
  return list;
}

export async function syncEnvProviders(): Promise<void> {
  const db = await getDb();
  const ids: string[] = [];
  for (const p of envProviders()) {
    const data = {
      kind: p.kind,
      baseUrl: p.baseUrl,
      apiKeyEnc: p.apiKey ? encryptSecret(p.apiKey) : null,
      awsAccessKeyIdEnc: null,
      awsSecretKeyEnc: null,
      regions: p.regions ?? [],
    };
    const row = await db.provider.upsert({
      where: { name: p.name },
      create: { name: p.name, ...data },
      update: data,
      select: { id: true },
    });
    ids.push(row.id);
  }
  if (ids.length) {
    invalidateCatalog();
    await discoverAllQuietly(ids);
  }
}
