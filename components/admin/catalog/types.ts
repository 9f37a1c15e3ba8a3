// Shapes of the admin provider and model API (lib/providers/admin). Prices are exact decimal text
// per million tokens; credentials never come back, only whether they are set.

export type ProviderKind = "OPENAI" | "OPENAI_COMPATIBLE" | "BEDROCK" | "OLLAMA";
export const PROVIDER_KINDS: Array<{ value: ProviderKind; label: string }> = [
  { value: "OPENAI", label: "OpenAI" },
  { value: "OPENAI_COMPATIBLE", label: "OpenAI-compatible" },
  { value: "BEDROCK", label: "AWS Bedrock" },
  { value: "OLLAMA", label: "Ollama" },
];
export const kindLabel = (kind: ProviderKind) => PROVIDER_KINDS.find((k) => k.value === kind)?.label ?? kind;

export type ModelKind = "CHAT" | "EMBEDDING";

export type ProviderItem = {
  id: string;
  name: string;
  kind: ProviderKind;
  baseUrl: string | null;
  regions: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  hasApiKey: boolean;
  hasAwsCredentials: boolean;
  _count?: { models: number };
};

export type ModelItem = {
  id: string;
  publicId: string;
  providerId: string;
  upstreamId: string;
  kind: ModelKind;
  description: string;
  inputPrice: string;
  outputPrice: string;
  cachedInputPrice: string | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  supportsImages: boolean;
  enabled: boolean;
  fallbacks: string[];
  createdAt: string;
  updatedAt: string;
  provider?: { name: string; kind: ProviderKind };
};

export type ConnectionTest = { ok: boolean; latencyMs: number; models: number; error?: string };
export type RefreshResult = { discovered: number; added: string[] };
