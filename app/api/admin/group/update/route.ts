// POST /api/admin/group/update – rename a group or change its shared limits.
import { withAdmin } from "@/lib/api/handler";
import { parseBody } from "@/lib/api/body";
import { groupUpdateSchema } from "@/lib/validations/admin";
import { updateGroup } from "@/lib/groups/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const fields = await parseBody(req, groupUpdateSchema);
  return { group: await updateGroup({ fields, actor: caller }) };
});
