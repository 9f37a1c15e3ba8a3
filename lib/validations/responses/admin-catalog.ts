import { z } from "zod";
import type { curatedModelOrThrow, listCuratedModels } from "@/lib/ollama/catalog";
import type { deleteOllamaModel, listInstalledOllamaModels } from "@/lib/ollama/client";
import type {
  createModel,
  createProvider,
  listModelsAdmin,
  listProviders,
  refreshProviderModels,
  testProviderConnection,
  updateModel,
  updateProvider,
} from "@/lib/providers/admin";
import { modelKindSchema, providerKindSchema } from "../providers";
import { money, page, timestamp } from "./common";
import type { Answer, Equals, Expect } from "./exact";

// What the admin catalog routes answer: providers, models and the Ollama server's models.

// --- providers -----------------------------------------------------------------------------------

/** A provider; its credentials only as "is set" flags. */
export const providerView = z.object({
  id: z.string(),
  name: z.string(),
  kind: providerKindSchema,
  baseUrl: z.string().nullable(),
  regions: z.array(z.string()),
  enabled: z.boolean(),
  hasApiKey: z.boolean(),
  hasAwsCredentials: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export const providerItem = providerView.extend({ _count: z.object({ models: z.number() }) });
export const providerListResponse = page(providerItem);
export const providerResponse = z.object({ provider: providerView });

export const connectionTestResponse = z.object({
  ok: z.boolean(),
  latencyMs: z.number(),
  models: z.number(),
  error: z.string().optional(),
});

export const providerRefreshResponse = z.object({
  discovered: z.number(),
  added: z.array(z.string()).describe("The public ids of the models added"),
});

// --- models --------------------------------------------------------------------------------------

/** A catalog model; prices are per million tokens. */
export const modelView = z.object({
  id: z.string(),
  publicId: z.string(),
  providerId: z.string(),
  upstreamId: z.string(),
  kind: modelKindSchema,
  enabled: z.boolean(),
  description: z.string(),
  inputPrice: money,
  outputPrice: money,
  cachedInputPrice: money.nullable(),
  contextWindow: z.number().nullable(),
  maxOutputTokens: z.number().nullable(),
  supportsImages: z.boolean(),
  supportsTools: z.boolean(),
  fallbacks: z.array(z.string()),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export const modelItem = modelView.extend({ provider: z.object({ name: z.string(), kind: providerKindSchema }) });
export const modelListResponse = page(modelItem);
export const modelResponse = z.object({ model: modelView });

// --- Ollama --------------------------------------------------------------------------------------

const ollamaProvider = z.object({ id: z.string(), name: z.string() });

export const ollamaInstalledResponse = z.object({
  provider: ollamaProvider,
  total: z.number(),
  items: z.array(
    z.object({
      name: z.string(),
      sizeBytes: z.number().nullable(),
      digest: z.string().nullable(),
      modifiedAt: z.string().nullable(),
      family: z.string().nullable(),
      parameterSize: z.string().nullable(),
      quantization: z.string().nullable(),
    }),
  ),
});

const curatedFields = { name: z.string(), description: z.string(), capabilities: z.array(z.string()) };
const variantFields = { tag: z.string(), size: z.string(), sizeBytes: z.number() };

export const ollamaCuratedResponse = page(z.object({ ...curatedFields, variants: z.array(z.object(variantFields)) }));
/** One curated model; each variant with its full name (`llama3.2:3b`) to install. */
export const ollamaVariantsResponse = z.object({
  ...curatedFields,
  variants: z.array(z.object({ name: z.string(), ...variantFields })),
});

export const ollamaDeleteResponse = z.object({ deleted: z.boolean(), name: z.string(), provider: ollamaProvider });

// Each schema is exactly what its lib function answers (tsc fails otherwise).
type _Exact = [
  Expect<Equals<z.output<typeof providerListResponse>, Answer<typeof listProviders>>>,
  Expect<Equals<z.output<typeof providerView>, Answer<typeof createProvider>>>,
  Expect<Equals<z.output<typeof providerView>, Answer<typeof updateProvider>>>,
  Expect<Equals<z.output<typeof connectionTestResponse>, Answer<typeof testProviderConnection>>>,
  Expect<Equals<z.output<typeof providerRefreshResponse>, Answer<typeof refreshProviderModels>>>,
  Expect<Equals<z.output<typeof modelListResponse>, Answer<typeof listModelsAdmin>>>,
  Expect<Equals<z.output<typeof modelView>, Answer<typeof createModel>>>,
  Expect<Equals<z.output<typeof modelView>, Answer<typeof updateModel>>>,
  Expect<Equals<z.output<typeof ollamaInstalledResponse>, Answer<typeof listInstalledOllamaModels>>>,
  Expect<Equals<z.output<typeof ollamaCuratedResponse>, Answer<typeof listCuratedModels>>>,
  Expect<Equals<z.output<typeof ollamaVariantsResponse>, Answer<typeof curatedModelOrThrow>>>,
  Expect<Equals<z.output<typeof ollamaDeleteResponse>, Answer<typeof deleteOllamaModel>>>,
];
