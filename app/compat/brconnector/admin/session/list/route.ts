// GET /compat/brconnector/admin/session/list – every user's conversations; `key_id` may be the key's number.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { keyFilter } from "@/lib/compat/brconnector/ids";
import { listSessions } from "@/lib/history/queries";
import { sessionListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { key_id, user_id, ...page } = parseQuery(req, sessionListQuery);
  return listSessions({ ...page, keyId: await keyFilter(key_id), userId: user_id });
});
