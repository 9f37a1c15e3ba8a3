// GET /api/admin/ollama/available – a curated list of common Ollama models with their tags and sizes.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { listCuratedModels } from "@/lib/ollama/catalog";
import { paginationQuerySchema } from "@/lib/validations/admin";

export const GET = withAdmin(async ({ req }) => listCuratedModels(parseQuery(req, paginationQuerySchema)));
