import { AppError } from "@/lib/errors";

// A curated list of common Ollama models and their tags, with approximate download sizes
// (Q4 quantizations, as listed on ollama.com/library). Static on purpose: it works offline.

export type OllamaVariant = { tag: string; size: string; sizeBytes: number };
export type CuratedModel = { name: string; description: string; capabilities: string[]; variants: OllamaVariant[] };

const GB = 1_000_000_000;
const MB = 1_000_000;
const v = (tag: string, bytes: number): OllamaVariant => ({
  tag,
  sizeBytes: Math.round(bytes),
  size: bytes >= GB ? `${+(bytes / GB).toFixed(1)} GB` : `${Math.round(bytes / MB)} MB`,
});

export const OLLAMA_CATALOG: CuratedModel[] = [
  {
    name: "llama3.2",
    description: "Meta's small Llama 3.2 models for chat and tools",
    capabilities: ["tools"],
    variants: [v("1b", 1.3 * GB), v("3b", 2.0 * GB)],
  },
  {
    name: "llama3.1",
    description: "Meta's Llama 3.1, strong general-purpose chat",
    capabilities: ["tools"],
    variants: [v("8b", 4.9 * GB), v("70b", 43 * GB), v("405b", 243 * GB)],
  },
  {
    name: "llama3.3",
    description: "Meta's Llama 3.3 70B, close to 3.1 405B quality",
    capabilities: ["tools"],
    variants: [v("70b", 43 * GB)],
  },
  {
    name: "gemma3",
    description: "Google's Gemma 3, multimodal from 4B up",
    capabilities: ["vision"],
    variants: [v("1b", 815 * MB), v("4b", 3.3 * GB), v("12b", 8.1 * GB), v("27b", 17 * GB)],
  },
  {
    name: "gemma2",
    description: "Google's Gemma 2",
    capabilities: [],
    variants: [v("2b", 1.6 * GB), v("9b", 5.4 * GB), v("27b", 16 * GB)],
  },
  {
    name: "qwen2.5",
    description: "Alibaba's Qwen 2.5, multilingual, long context",
    capabilities: ["tools"],
    variants: [
      v("0.5b", 398 * MB),
      v("1.5b", 986 * MB),
      v("3b", 1.9 * GB),
      v("7b", 4.7 * GB),
      v("14b", 9.0 * GB),
      v("32b", 20 * GB),
      v("72b", 47 * GB),
    ],
  },
  {
    name: "qwen2.5-coder",
    description: "Qwen 2.5 tuned for code",
    capabilities: ["tools"],
    variants: [
      v("0.5b", 398 * MB),
      v("1.5b", 986 * MB),
      v("3b", 1.9 * GB),
      v("7b", 4.7 * GB),
      v("14b", 9.0 * GB),
      v("32b", 20 * GB),
    ],
  },
  {
    name: "deepseek-r1",
    description: "DeepSeek R1 reasoning models (distilled sizes)",
    capabilities: ["thinking"],
    variants: [
      v("1.5b", 1.1 * GB),
      v("7b", 4.7 * GB),
      v("8b", 4.9 * GB),
      v("14b", 9.0 * GB),
      v("32b", 20 * GB),
      v("70b", 43 * GB),
    ],
  },
  {
    name: "mistral",
    description: "Mistral 7B, fast and capable",
    capabilities: ["tools"],
    variants: [v("7b", 4.1 * GB)],
  },
  {
    name: "mistral-nemo",
    description: "Mistral NeMo 12B with a 128k context",
    capabilities: ["tools"],
    variants: [v("12b", 7.1 * GB)],
  },
  { name: "phi4", description: "Microsoft's Phi-4 14B", capabilities: [], variants: [v("14b", 9.1 * GB)] },
  {
    name: "phi3",
    description: "Microsoft's Phi-3 small models",
    capabilities: [],
    variants: [v("3.8b", 2.2 * GB), v("14b", 7.9 * GB)],
  },
  {
    name: "llava",
    description: "LLaVA: chat about images",
    capabilities: ["vision"],
    variants: [v("7b", 4.7 * GB), v("13b", 8.0 * GB), v("34b", 20 * GB)],
  },
  {
    name: "codellama",
    description: "Meta's Code Llama",
    capabilities: [],
    variants: [v("7b", 3.8 * GB), v("13b", 7.4 * GB), v("34b", 19 * GB), v("70b", 39 * GB)],
  },
  {
    name: "tinyllama",
    description: "TinyLlama 1.1B for very small machines",
    capabilities: [],
    variants: [v("1.1b", 638 * MB)],
  },
  {
    name: "nomic-embed-text",
    description: "Text embeddings (nomic-embed-text v1.5)",
    capabilities: ["embedding"],
    variants: [v("latest", 274 * MB)],
  },
  {
    name: "mxbai-embed-large",
    description: "Large text embeddings from mixedbread.ai",
    capabilities: ["embedding"],
    variants: [v("335m", 670 * MB)],
  },
];

/** The curated entry for a name, with or without a tag ("llama3.2" or "llama3.2:3b"). */
export function findCuratedModel(name: string): CuratedModel | undefined {
  const base = name.split(":")[0];
  return OLLAMA_CATALOG.find((m) => m.name === base);
}

export function listCuratedModels(input: { q?: string; limit: number; offset: number }) {
  const q = input.q?.toLowerCase();
  const all = q
    ? OLLAMA_CATALOG.filter((m) => m.name.includes(q) || m.description.toLowerCase().includes(q))
    : OLLAMA_CATALOG;
  return { total: all.length, items: all.slice(input.offset, input.offset + input.limit) };
}

/** The variants of a curated model, each with the full name to install ("llama3.2:3b"). */
export function curatedModelOrThrow(name: string) {
  const model = findCuratedModel(name);
  if (!model)
    throw new AppError("not_found", `'${name}' is not in the curated list; it can still be installed by its full name`);
  return { ...model, variants: model.variants.map((x) => ({ ...x, name: `${model.name}:${x.tag}` })) };
}
