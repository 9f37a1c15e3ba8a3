import "server-only";
import { getDb } from "@/lib/db/client";
import { regionsFor } from "@/lib/gateway/upstream";
import { aiSdkComplete } from "./ai-sdk";
import { decryptSecret } from "./crypto";
import type { ResolvedModel } from "./types";
import { UpstreamError } from "./types";

// One tiny request to a Bedrock or Ollama provider (`tollgate doctor`): proves that its endpoint,
// credentials, region and a model really answer. It goes to the provider directly, past the gateway:
// nobody's budget is reserved or billed, and no request is recorded.

export type ProbeResult = { model: string; region: string | null; latencyMs: number; outputTokens: number | null };

export async function probeProvider(providerId: string, timeoutMs = 30_000): Promise<ProbeResult> {
  const db = await getDb();
  const p = await db.provider.findUniqueOrThrow({
    where: { id: providerId },
    omit: { awsAccessKeyIdEnc: false, awsSecretKeyEnc: false },
  });
  // A chat model: embedding models (by name, until models carry their kind) cannot answer a chat.
  const models = await db.model.findMany({
    where: { providerId, enabled: true },
    orderBy: { publicId: "asc" },
    take: 50,
  });
  const row = models.find((m) => !/embed/i.test(m.upstreamId)) ?? models[0];
  if (!row) throw new Error("no enabled model on this provider to try: add one to prove it answers");
  const model: ResolvedModel = {
    ...row,
    provider: {
      id: p.id,
      name: p.name,
      kind: p.kind,
      baseUrl: p.baseUrl,
      awsAccessKeyId: decryptSecret(p.awsAccessKeyIdEnc),
      awsSecretAccessKey: decryptSecret(p.awsSecretKeyEnc),
      regions: p.regions,
    },
  };
  const regions = await regionsFor(model);
  if (regions instanceof UpstreamError) throw regions;
  const region = regions[0];
  const started = performance.now();
  const { completion } = await aiSdkComplete({
    model,
    body: {
      model: row.upstreamId,
      messages: [{ role: "user", content: "Reply with the single word OK." }],
      max_tokens: 1,
    },
    signal: AbortSignal.timeout(timeoutMs),
    region,
  });
  return {
    model: row.upstreamId,
    region: region ?? null,
    latencyMs: Math.round(performance.now() - started),
    outputTokens: completion.usage?.completion_tokens ?? null,
  };
}
