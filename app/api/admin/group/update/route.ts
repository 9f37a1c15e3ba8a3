// POST /api/admin/group/update – rename a group or change its shared limits.

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { updateGroup } from "@/lib/groups/admin";
import { groupUpdateSchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const fields = await parseBody(req, groupUpdateSchema);
  return { group: await updateGroup({ fields, actor: caller }) };
});
