import { anthropicErrorSchema, errorSchema, openAiErrorSchema } from "@/lib/validations/errors";
import pkg from "@/package.json";
import { buildOpenApiDocument, type OpenApiDocument } from "./registry";
import { apiRoutes } from "./routes";

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
