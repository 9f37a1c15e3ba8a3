// POST /api/admin/provider/test – try a provider's connection (lists its models) and report latency or the error.

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { testProviderConnection } from "@/lib/providers/admin";
import { idBodySchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req }) => {
  const { id } = await parseBody(req, idBodySchema);
  return testProviderConnection(id);
});
