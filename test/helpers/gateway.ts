// Drives the gateway in-process the way an HTTP client would: the official OpenAI SDK gets a
// `fetch` that hands each request to the route handler that Next.js would call for its path.
import OpenAI from "openai";
import * as completions from "@/app/api/v1/chat/completions/route";
import * as models from "@/app/api/v1/models/route";
import { getDb } from "@/lib/db/client";
import { createUser } from "@/lib/users/accounts";
import { createApiKey, type KeyLimits } from "@/lib/keys/service";
import { createProvider, createModel } from "@/lib/providers/admin";
import { startFakeUpstream } from "../fake-upstream/server.mjs";

type Route = (req: Request, ctx: { params: Promise<Record<string, never>> }) => Promise<Response>;

export async function gatewayFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const req = input instanceof Request ? input : new Request(input, init);
  const path = new URL(req.url).pathname.replace(/^\/api/, "");
  const routes: Record<string, Route> = { "/v1/chat/completions": completions.POST, "/v1/models": models.GET };
  const route = routes[path];
  if (!route) return new Response("no route", { status: 404 });
  return route(req, { params: Promise.resolve({}) });
}

export function sdk(apiKey: string, opts: { maxRetries?: number } = {}): OpenAI {
  return new OpenAI({ apiKey, baseURL: "http://tollgate.test/v1", fetch: gatewayFetch, maxRetries: opts.maxRetries ?? 0 });
}

export type FakeUpstream = Awaited<ReturnType<typeof startFakeUpstream>>;

/** One provider of each kind, all pointing at one fake upstream, and a model on each. */
export async function seedProviders(up: FakeUpstream, prices = { input: "1", output: "2" }) {
  const openai = await createProvider({ name: "openai-test", kind: "OPENAI", baseUrl: `${up.url}/v1`, apiKey: "sk-upstream-secret" });
  const compat = await createProvider({ name: "vllm-test", kind: "OPENAI_COMPATIBLE", baseUrl: `${up.url}/v1`, apiKey: "vllm-secret" });
  const ollama = await createProvider({ name: "ollama-test", kind: "OLLAMA", baseUrl: up.url });
  const bedrock = await createProvider({
    name: "bedrock-test",
    kind: "BEDROCK",
    // one endpoint per region, as bedrock-runtime.<region>.amazonaws.com (the fake serves /{region}/...)
    baseUrl: `${up.url}/{region}`,
    regions: ["us-east-1", "eu-west-1"],
    awsAccessKeyId: "AKIDTEST",
    awsSecretAccessKey: "bedrock-secret",
  });
  const base = { inputPrice: prices.input, outputPrice: prices.output };
  const ids = { openai: openai.id, compat: compat.id, ollama: ollama.id, bedrock: bedrock.id };
  for (const [publicId, providerId, upstreamId] of [
    ["gpt-fake", ids.openai, "fake-model"],
    ["compat-fake", ids.compat, "fake-model"],
    ["ollama-fake", ids.ollama, "llama3.2:latest"],
    ["bedrock-fake", ids.bedrock, "fake"],
  ] as const) {
    await createModel({ publicId, providerId, upstreamId, ...base });
  }
  return ids;
}

let counter = 0;
export async function userWithKey(opts: { limits?: KeyLimits; allowedModels?: string[]; userLimits?: KeyLimits } = {}) {
  const user = await createUser({ email: `user${++counter}-${Date.now()}@example.test`, password: "password-123" });
  if (opts.userLimits) {
    const db = await getDb();
    await db.limit.update({ where: { userId: user.id }, data: opts.userLimits });
  }
  const { key, record } = await createApiKey({ userId: user.id, name: "test key", allowedModels: opts.allowedModels, limits: opts.limits });
  return { user, key, keyId: record.id };
}
