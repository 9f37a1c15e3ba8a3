// GET /compat/brconnector/admin/api-key/list – keys with their numbers, owners and limits.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { listBrKeys } from "@/lib/compat/brconnector/admin";
import { apiKeyListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { user_id, ...page } = parseQuery(req, apiKeyListQuery);
  return listBrKeys({ ...page, userId: user_id });
});
