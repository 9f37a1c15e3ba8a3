// GET /api/admin/session/list – every user's conversations, newest first, by key or user, searchable.
import { withAdmin } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/body";
import { sessionListQuery } from "@/lib/validations/admin";
import { listSessions } from "@/lib/history/queries";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { key_id, user_id, ...page } = parseQuery(req, sessionListQuery);
  return listSessions({ ...page, keyId: key_id, userId: user_id });
});
