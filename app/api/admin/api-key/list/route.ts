// GET /api/admin/api-key/list – keys with their owner and limits, searchable by name, prefix or email.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { listApiKeys } from "@/lib/keys/admin";
import { apiKeyListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { user_id, ...page } = parseQuery(req, apiKeyListQuery);
  return listApiKeys({ ...page, userId: user_id });
});
