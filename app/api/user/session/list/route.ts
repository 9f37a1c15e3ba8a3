// GET /api/user/session/list – the caller's own conversations, newest first; `q` searches titles and content.
import { withUser } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/body";
import { requireUserId } from "@/lib/auth/caller";
import { userSessionListQuery } from "@/lib/validations/admin";
import { listSessions } from "@/lib/history/queries";

export const dynamic = "force-dynamic";

export const GET = withUser(async ({ req, caller }) => {
  const { key_id, ...page } = parseQuery(req, userSessionListQuery);
  return listSessions({ ...page, keyId: key_id, ownerId: requireUserId(caller) });
});
