// GET /api/admin/user/list – accounts with their group and limits, by role, status or group, searchable by email or name.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { listUsers } from "@/lib/users/admin";
import { userListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { group_id, ...rest } = parseQuery(req, userListQuery);
  return listUsers({ ...rest, groupId: group_id });
});
