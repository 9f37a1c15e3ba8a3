// POST /api/admin/provider/refresh – add the provider's listed models that are not in the catalog yet.

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { refreshProviderModels } from "@/lib/providers/admin";
import { idBodySchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const { id } = await parseBody(req, idBodySchema);
  return refreshProviderModels(id, caller);
});
