import { z } from "zod";

// Shared by the admin pages, the admin API and the OpenAPI document.
const moneyPerMillion = z
  .string()
  .trim()
  .regex(/^\d{1,9}(\.\d{1,6})?$/, "must be a price like 0.15 (per million tokens, up to 6 decimals)");
const regionList = z
  .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region like us-east-1"))
  .max(32);
const baseUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(2048);

export const providerKindSchema = z.enum(["OPENAI", "OPENAI_COMPATIBLE", "BEDROCK", "OLLAMA"]);

export const modelKindSchema = z.enum(["CHAT", "EMBEDDING"], { message: "must be CHAT or EMBEDDING" });

export const providerCreateSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "is required")
      .max(64)
      .regex(/^[\w.-]+$/, "may contain letters, digits, . _ - only"),
    kind: providerKindSchema,
    baseUrl: baseUrl.nullish(),
    apiKey: z.string().max(4096).nullish(),
    awsAccessKeyId: z.string().max(256).nullish(),
    awsSecretAccessKey: z.string().max(256).nullish(),
    regions: regionList.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const providerUpdateSchema = providerCreateSchema.partial().strict();

export const modelCreateSchema = z
  .object({
    publicId: z
      .string()
      .trim()
      .min(1, "is required")
      .max(128)
      .regex(/^[\w.:/@-]+$/, "may contain letters, digits and . : / @ _ - only"),
    providerId: z.string().min(1, "is required").max(64),
    upstreamId: z.string().trim().min(1, "is required").max(256),
    kind: modelKindSchema.optional(),
    description: z.string().max(2000).optional(),
    inputPrice: moneyPerMillion.optional(),
    outputPrice: moneyPerMillion.optional(),
    cachedInputPrice: moneyPerMillion.nullish(),
    contextWindow: z.number().int().positive().max(100_000_000).nullish(),
    maxOutputTokens: z.number().int().positive().max(10_000_000).nullish(),
    supportsImages: z.boolean().optional(),
    supportsTools: z.boolean().optional(),
    enabled: z.boolean().optional(),
    fallbacks: z.array(z.string().min(1).max(128)).max(8).optional(),
  })
  .strict();

export const modelUpdateSchema = modelCreateSchema.partial().strict();

export type ProviderCreate = z.infer<typeof providerCreateSchema>;
export type ModelCreate = z.infer<typeof modelCreateSchema>;
