// POST /api/admin/api-key/revoke – revoke a key; it stops working at once on every instance.

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { revokeApiKeyAsAdmin } from "@/lib/keys/admin";
import { idBodySchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const { id } = await parseBody(req, idBodySchema);
  return { api_key: await revokeApiKeyAsAdmin({ id, actor: caller }) };
});
