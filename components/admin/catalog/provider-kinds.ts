import type { ProviderKind } from "@/lib/validations/admin-responses";

// How the admin pages name each kind of provider.
export const PROVIDER_KINDS: Array<{ value: ProviderKind; label: string }> = [
  { value: "OPENAI", label: "OpenAI" },
  { value: "OPENAI_COMPATIBLE", label: "OpenAI-compatible" },
  { value: "BEDROCK", label: "AWS Bedrock" },
  { value: "OLLAMA", label: "Ollama" },
];
export const kindLabel = (kind: ProviderKind) => PROVIDER_KINDS.find((k) => k.value === kind)?.label ?? kind;
