import "server-only";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { config } from "@/lib/config";
import { logger } from "@/lib/logging/logger";
import { getSettingsCached } from "@/lib/settings";
import { upstreamFetch } from "./http";
import { type AwsCredentials, signV4 } from "./sigv4";
import type { ResolvedProvider } from "./types";
import { UpstreamError } from "./types";

// What Amazon Bedrock needs beyond the AI SDK provider: one endpoint per region, cross-region
// inference profiles kept to their own geography, credentials from the AWS default chain, and
// Bedrock's exceptions (HTTP or event-stream frames) turned into statuses with a retry policy.

const PARTITION_SUFFIXES: Array<[prefix: string, suffix: string]> = [
  ["cn-", "amazonaws.com.cn"],
  ["us-iso-", "c2s.ic.gov"],
  ["us-isob-", "sc2s.sgov.gov"],
  ["eusc-", "amazonaws.eu"],
];

/**
 * The runtime endpoint for one region: the provider's base URL (or BEDROCK_ENDPOINT_URL) with
 * `{region}` filled in, else AWS's own `https://bedrock-runtime.<region>.amazonaws.com`.
 */
export function bedrockEndpoint(provider: Pick<ResolvedProvider, "baseUrl">, region: string): string {
  const template = provider.baseUrl ?? config().BEDROCK_ENDPOINT_URL;
  if (template) return template.replaceAll("{region}", region).replace(/\/+$/, "");
  const suffix = PARTITION_SUFFIXES.find(([prefix]) => region.startsWith(prefix))?.[1] ?? "amazonaws.com";
  return `https://bedrock-runtime.${region}.${suffix}`;
}

/**
 * Bedrock's control plane (ListFoundationModels) for a region: `bedrock.<region>…` where the
 * runtime is `bedrock-runtime.<region>…`; a template without that host name serves both.
 */
export function bedrockControlEndpoint(provider: Pick<ResolvedProvider, "baseUrl">, region: string): string {
  const template = provider.baseUrl ?? config().BEDROCK_ENDPOINT_URL;
  if (!template) return bedrockEndpoint(provider, region).replace("://bedrock-runtime.", "://bedrock.");
  return template
    .replaceAll("{region}", region)
    .replace(/\/+$/, "")
    .replace(/^(https?:\/\/)bedrock-runtime([.-])/, "$1bedrock$2");
}

/**
 * The foundation models offered in a region (ListFoundationModels, IAM bedrock:ListFoundationModels):
 * proves the credentials and the region; used by the admin's connection test. Not a catalog:
 * Tollgate never adds Bedrock models by itself, since each one costs money until an admin prices it.
 */
export async function listFoundationModels(
  provider: Pick<ResolvedProvider, "name" | "baseUrl" | "awsAccessKeyId" | "awsSecretAccessKey">,
  region: string,
  signal: AbortSignal,
): Promise<string[]> {
  const url = new URL(`${bedrockControlEndpoint(provider, region)}/foundation-models`);
  url.searchParams.set("byOutputModality", "TEXT");
  const credentials = await bedrockCredentials(provider)();
  const res = await upstreamFetch(url.href, {
    method: "GET",
    headers: signV4({ method: "GET", url, region, service: "bedrock", credentials }),
    signal,
  });
  const text = await res.text();
  if (!res.ok) {
    const type = bedrockErrorType(res.headers.get("x-amzn-errortype"));
    let message = text.slice(0, 300);
    try {
      message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
    } catch {
      // not JSON: keep the text
    }
    throw bedrockUpstreamError({ type, status: res.status, message, provider: provider.name, region });
  }
  const json = JSON.parse(text) as { modelSummaries?: Array<{ modelId?: string }> };
  return (json.modelSummaries ?? []).map((m) => m.modelId).filter((id): id is string => !!id);
}

/** True when an endpoint serves one region only (a fixed URL without `{region}`). */
export function fixedEndpoint(provider: Pick<ResolvedProvider, "baseUrl">): boolean {
  const template = provider.baseUrl ?? config().BEDROCK_ENDPOINT_URL;
  return !!template && !template.includes("{region}");
}

// Cross-region inference profiles ("us.anthropic.claude-…") route only within their geography, and
// a region outside it answers 400 ValidationException. "global." profiles run from any commercial region.
const GEOGRAPHIES: Array<[prefix: string, fits: (region: string) => boolean]> = [
  ["us-gov.", (r) => r.startsWith("us-gov-")],
  ["us.", (r) => r.startsWith("us-") && !r.startsWith("us-gov-") && !r.startsWith("us-iso")],
  ["eu.", (r) => r.startsWith("eu-")],
  ["apac.", (r) => r.startsWith("ap-")],
  ["jp.", (r) => r === "ap-northeast-1" || r === "ap-northeast-3"],
  ["au.", (r) => r === "ap-southeast-2" || r === "ap-southeast-4"],
  ["ca.", (r) => r.startsWith("ca-")],
  ["global.", (r) => !/^(cn-|us-gov-|us-iso|eusc-)/.test(r)],
];

/** The geography prefix of an inference-profile id (or its ARN), or null for a plain model id. */
export function profileGeography(modelId: string): string | null {
  const id = modelId.startsWith("arn:") ? (modelId.split("/").at(-1) ?? "") : modelId;
  return GEOGRAPHIES.find(([prefix]) => id.startsWith(prefix))?.[0].slice(0, -1) ?? null;
}

/** A Bedrock provider's regions: its own, else the admin's setting, else the environment's. */
export async function bedrockRegions(provider: Pick<ResolvedProvider, "regions">): Promise<string[]> {
  const fromSettings = (await getSettingsCached()).bedrockRegions;
  const cfg = config();
  const fromEnv = (cfg.BEDROCK_REGIONS ?? cfg.AWS_REGION ?? "")
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  return provider.regions.length
    ? provider.regions
    : fromSettings.length
      ? fromSettings
      : fromEnv.length
        ? fromEnv
        : ["us-east-1"];
}

/** The configured regions this model may be called in, in order. */
export function regionsForModel(modelId: string, regions: string[]): string[] {
  const geo = profileGeography(modelId);
  if (!geo) return regions;
  const fits = GEOGRAPHIES.find(([prefix]) => prefix === `${geo}.`)![1];
  return regions.filter(fits);
}

/**
 * Credentials for a provider: the keys stored on it, else the AWS default chain (environment
 * variables with their session token, AWS_PROFILE / SSO / the shared files, web identity (EKS/IRSA),
 * the ECS task role, the EC2 instance role). The chain is built once per setting of the variables
 * it reads and caches what it resolves until shortly before expiry.
 */
export type { AwsCredentials };

type CredentialSource = () => Promise<AwsCredentials>;

const CHAIN_VARS = [
  "AWS_PROFILE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_ROLE_ARN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_EC2_METADATA_DISABLED",
];
const globalForAws = globalThis as unknown as { tollgateAwsChains?: Map<string, CredentialSource> };

function defaultChain(): CredentialSource {
  const profile = config().AWS_PROFILE;
  const key = JSON.stringify([profile, ...CHAIN_VARS.map((v) => process.env[v] ?? null)]);
  const chains = (globalForAws.tollgateAwsChains ??= new Map());
  let chain = chains.get(key);
  if (!chain) {
    const provider = fromNodeProviderChain({ ...(profile ? { profile } : {}), timeout: 2_000, maxRetries: 1 });
    chain = async () => {
      try {
        const c = await provider();
        return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
      } catch (err) {
        logger.warn(
          { err: err instanceof Error ? err.message : String(err) },
          "no AWS credentials from the default chain",
        );
        throw new UpstreamError(
          "No AWS credentials for Bedrock: set keys on the provider, AWS_PROFILE, or give the server a role (instance, task or pod)",
          502,
          false,
          "network",
        );
      }
    };
    if (chains.size >= 16) chains.clear();
    chains.set(key, chain);
  }
  return chain;
}

export function bedrockCredentials(
  provider: Pick<ResolvedProvider, "awsAccessKeyId" | "awsSecretAccessKey">,
): CredentialSource {
  if (provider.awsAccessKeyId && provider.awsSecretAccessKey) {
    const keys = { accessKeyId: provider.awsAccessKeyId, secretAccessKey: provider.awsSecretAccessKey };
    return async () => keys;
  }
  return defaultChain();
}

// Bedrock's exceptions: the status each stands for, whether another try may succeed, and whether it
// may be about this region only (model access, availability and quotas are per region).
const EXCEPTIONS: Record<string, { status: number; retryable: boolean }> = {
  throttlingexception: { status: 429, retryable: true },
  modelnotreadyexception: { status: 429, retryable: true },
  servicequotaexceededexception: { status: 429, retryable: false },
  validationexception: { status: 400, retryable: false },
  accessdeniedexception: { status: 403, retryable: false },
  unrecognizedclientexception: { status: 403, retryable: false },
  invalidsignatureexception: { status: 403, retryable: false },
  expiredtokenexception: { status: 403, retryable: false },
  resourcenotfoundexception: { status: 404, retryable: false },
  modeltimeoutexception: { status: 408, retryable: true },
  modelerrorexception: { status: 424, retryable: false },
  modelstreamerrorexception: { status: 424, retryable: true },
  internalserverexception: { status: 500, retryable: true },
  serviceunavailableexception: { status: 503, retryable: true },
};

/** "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/" → "ValidationException". */
export function bedrockErrorType(raw: string | undefined | null): string | null {
  if (!raw) return null;
  const name = raw.split(":")[0].split("#").at(-1)?.trim();
  return name || null;
}

// A validation error that names the model (not the request) may be this region's: the model or the
// profile is not offered there, or on-demand use is not enabled there.
const REGIONAL_MESSAGE =
  /model identifier|inference profile|on-demand throughput|not (?:available|supported) in (?:this|the) region|model is not ready|end of its life|doesn't have access|don't have access/i;

/** An UpstreamError for a Bedrock exception (HTTP answer or event-stream frame), keeping AWS's message. */
export function bedrockUpstreamError(input: {
  type: string | null;
  status?: number;
  message: string;
  provider: string;
  region?: string;
}): UpstreamError {
  const known = input.type ? EXCEPTIONS[input.type.toLowerCase()] : undefined;
  const status = known?.status ?? input.status ?? 502;
  const retryable = known ? known.retryable : status === 429 || status >= 500;
  const regional =
    !retryable &&
    (status === 403 || status === 404 || (status === 400 && REGIONAL_MESSAGE.test(input.message))) &&
    !/security token|signature|credential/i.test(input.message);
  const where = input.region ? ` in ${input.region}` : "";
  const name = input.type ?? `status ${status}`;
  const err = new UpstreamError(
    `Upstream ${input.provider}${where} answered ${status} ${name}: ${input.message.slice(0, 300)}`,
    status,
    retryable,
  );
  err.regional = regional;
  return err;
}
