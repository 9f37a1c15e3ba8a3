// POST /api/admin/group/delete – delete a group; its members stay, without a group.

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { deleteGroup } from "@/lib/groups/admin";
import { idBodySchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const { id } = await parseBody(req, idBodySchema);
  return deleteGroup({ id, actor: caller });
});
