// GET /compat/brconnector/admin/thread/list – requests (threads); `key_id` may be the key's number.
import { withAdmin } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/body";
import { threadListQuery } from "@/lib/validations/admin";
import { listThreads } from "@/lib/history/queries";
import { keyFilter } from "@/lib/compat/brconnector/ids";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { key_id, session_id, user_id, ...rest } = parseQuery(req, threadListQuery);
  return listThreads({ ...rest, keyId: await keyFilter(key_id), sessionId: session_id, userId: user_id });
});
