// GET /api/admin/ollama/models/{name}/variants – the tags (sizes) of one curated model.

import { parseWith } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { curatedModelOrThrow } from "@/lib/ollama/catalog";
import { ollamaNameParams } from "@/lib/validations/admin";

export const GET = withAdmin<{ name: string }>(async ({ params }) => {
  const { name } = parseWith(ollamaNameParams, params);
  return curatedModelOrThrow(name);
});
