// Drives the gateway in-process the way an HTTP client would: the official OpenAI SDK gets a
// `fetch` that hands each request to the route handler that Next.js would call for its path.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import OpenAI from "openai";
import { getDb } from "@/lib/db/client";
import { createApiKey, type KeyLimits } from "@/lib/keys/service";
import { createModel, createProvider } from "@/lib/providers/admin";
import { createUser } from "@/lib/users/accounts";
import { startFakeUpstream } from "../fake-upstream/server.mjs";

type Route = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

const v1Dir = path.resolve(import.meta.dirname, "../../app/api/v1");

/** The route file Next.js would pick for a /v1 path, with its parameters: literal folders first, then `[param]`, else the catch-all. */
function routeFileFor(pathname: string): { file: string; params: Record<string, string | string[]> } {
  const segments = pathname
    .replace(/^(\/api)?\/v1\/?/, "")
    .split("/")
    .filter(Boolean)
    .map(decodeURIComponent);
  const params: Record<string, string> = {};
  let dir = v1Dir;
  for (const segment of segments) {
    const param = readdirSync(dir).find((d) => /^\[\w+\]$/.test(d));
    if (existsSync(path.join(dir, segment)) && !segment.startsWith("[")) dir = path.join(dir, segment);
    else if (param) {
      params[param.slice(1, -1)] = segment;
      dir = path.join(dir, param);
    } else return { file: path.join(v1Dir, "[[...path]]", "route.ts"), params: { path: segments } };
  }
  const file = path.join(dir, "route.ts");
  return existsSync(file)
    ? { file, params }
    : { file: path.join(v1Dir, "[[...path]]", "route.ts"), params: { path: segments } };
}

export async function gatewayFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const req = input instanceof Request ? input : new Request(input, init);
  const { file, params } = routeFileFor(new URL(req.url).pathname);
  const route = ((await import(file)) as Record<string, Route | undefined>)[req.method];
  // What Next.js answers for a method the route does not export.
  if (!route) return new Response(null, { status: 405 });
  return route(req, { params: Promise.resolve(params) });
}

export function sdk(apiKey: string, opts: { maxRetries?: number } = {}): OpenAI {
  return new OpenAI({
    apiKey,
    baseURL: "http://tollgate.test/v1",
    fetch: gatewayFetch,
    maxRetries: opts.maxRetries ?? 0,
  });
}

export type FakeUpstream = Awaited<ReturnType<typeof startFakeUpstream>>;

/** One provider of each kind, all pointing at one fake upstream, and a model on each. */
export async function seedProviders(up: FakeUpstream, prices = { input: "1", output: "2" }) {
  const openai = await createProvider({
    name: "openai-test",
    kind: "OPENAI",
    baseUrl: `${up.url}/v1`,
    apiKey: "sk-upstream-secret",
  });
  const compat = await createProvider({
    name: "vllm-test",
    kind: "OPENAI_COMPATIBLE",
    baseUrl: `${up.url}/v1`,
    apiKey: "vllm-secret",
  });
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
  const { key, record } = await createApiKey({
    userId: user.id,
    name: "test key",
    allowedModels: opts.allowedModels,
    limits: opts.limits,
  });
  return { user, key, keyId: record.id };
}
