// Shapes of the admin Ollama API (lib/ollama).

export type OllamaInstalled = {
  name: string;
  sizeBytes: number | null;
  digest: string | null;
  modifiedAt: string | null;
  family: string | null;
  parameterSize: string | null;
  quantization: string | null;
};

export type OllamaVariant = { tag: string; size: string; sizeBytes: number };
export type CuratedOllamaModel = {
  name: string;
  description: string;
  capabilities: string[];
  variants: OllamaVariant[];
};
export type OllamaVariants = Omit<CuratedOllamaModel, "variants"> & {
  variants: Array<OllamaVariant & { name: string }>;
};
