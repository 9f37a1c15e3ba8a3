// GET /api/admin/model/list – the model catalog with prices per million tokens, by provider, searchable.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { listModelsAdmin } from "@/lib/providers/admin";
import { modelListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { provider_id, ...page } = parseQuery(req, modelListQuery);
  return listModelsAdmin({ ...page, providerId: provider_id });
});
