// GET /api/admin/flags – flagged messages with their conversation and user, newest flag first.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { listFlaggedMessages } from "@/lib/history/flags";
import { flagListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { user_id, ...page } = parseQuery(req, flagListQuery);
  return listFlaggedMessages({ ...page, userId: user_id });
});
