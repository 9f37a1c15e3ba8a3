// GET /api/user/session/list – the caller's own conversations, newest first; `q` searches titles and content.

import { parseQuery } from "@/lib/api/body";
import { withUser } from "@/lib/api/handler";
import { requireUserId } from "@/lib/auth/caller";
import { listSessions } from "@/lib/history/queries";
import { userSessionListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withUser(async ({ req, caller }) => {
  const { key_id, ...page } = parseQuery(req, userSessionListQuery);
  return listSessions({ ...page, keyId: key_id, ownerId: requireUserId(caller) });
});
