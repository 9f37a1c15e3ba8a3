// POST /api/admin/api-key/update – change a key's name, expiry, models, role and its own limits.

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { updateApiKeyAsAdmin } from "@/lib/keys/admin";
import { apiKeyUpdateSchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const fields = await parseBody(req, apiKeyUpdateSchema);
  return { api_key: await updateApiKeyAsAdmin({ fields, actor: caller }) };
});
