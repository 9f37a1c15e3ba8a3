// GET /api/admin/thread/list – requests (threads), newest first, filtered by key, session, user, model, status and time.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { listThreads } from "@/lib/history/queries";
import { threadListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { key_id, session_id, user_id, ...rest } = parseQuery(req, threadListQuery);
  return listThreads({ ...rest, keyId: key_id, sessionId: session_id, userId: user_id });
});
