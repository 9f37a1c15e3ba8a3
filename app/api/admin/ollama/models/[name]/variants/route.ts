// GET /api/admin/ollama/models/{name}/variants – the tags (sizes) of one curated model.
import { withAdmin } from "@/lib/api/handler";
import { parseWith } from "@/lib/api/body";
import { ollamaNameParams } from "@/lib/validations/admin";
import { curatedModelOrThrow } from "@/lib/ollama/catalog";

export const GET = withAdmin<{ name: string }>(async ({ params }) => {
  const { name } = parseWith(ollamaNameParams, params);
  return curatedModelOrThrow(name);
});
