// GET /compat/brconnector/admin/thread/list – requests (threads); `key_id` may be the key's number.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { keyFilter } from "@/lib/compat/brconnector/ids";
import { listThreads } from "@/lib/history/queries";
import { threadListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { key_id, session_id, user_id, ...rest } = parseQuery(req, threadListQuery);
  return listThreads({ ...rest, keyId: await keyFilter(key_id), sessionId: session_id, userId: user_id });
});
