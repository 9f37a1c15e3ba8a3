// GET /api/admin/session/list – every user's conversations, newest first, by key or user, searchable.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { listSessions } from "@/lib/history/queries";
import { sessionListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { key_id, user_id, ...page } = parseQuery(req, sessionListQuery);
  return listSessions({ ...page, keyId: key_id, userId: user_id });
});
