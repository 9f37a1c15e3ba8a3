// GET /api/user/thread/list – the caller's own requests, newest first, by session, key, model, status and time.

import { parseQuery } from "@/lib/api/body";
import { withUser } from "@/lib/api/handler";
import { requireUserId } from "@/lib/auth/caller";
import { listThreads } from "@/lib/history/queries";
import { userThreadListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withUser(async ({ req, caller }) => {
  const { key_id, session_id, ...rest } = parseQuery(req, userThreadListQuery);
  return listThreads({ ...rest, keyId: key_id, sessionId: session_id, ownerId: requireUserId(caller) });
});
