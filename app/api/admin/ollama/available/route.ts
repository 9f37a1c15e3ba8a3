// GET /api/admin/ollama/available – a curated list of common Ollama models with their tags and sizes.
import { withAdmin } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/body";
import { paginationQuerySchema } from "@/lib/validations/admin";
import { listCuratedModels } from "@/lib/ollama/catalog";

export const GET = withAdmin(async ({ req }) => listCuratedModels(parseQuery(req, paginationQuerySchema)));
