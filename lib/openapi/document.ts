import pkg from "@/package.json";
import { buildOpenApiDocument, type OpenApiDocument } from "./registry";
import { apiRoutes } from "./routes";
import { anthropicErrorSchema, errorSchema, openAiErrorSchema } from "./schemas";

let cached: OpenApiDocument | undefined;

/** The OpenAPI 3.1 document of every route (built once: the schemas do not change at run time). */
export function openApiDocument(): OpenApiDocument {
  cached ??= buildOpenApiDocument(apiRoutes, {
    version: pkg.version,
    errorSchema,
    openAiErrorSchema,
    anthropicErrorSchema,
  });
  return cached;
}
