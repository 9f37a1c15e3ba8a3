// POST /api/admin/group/create – create a group, optionally with shared limits.

import { parseBody } from "@/lib/api/body";
import { created, withAdmin } from "@/lib/api/handler";
import { createGroup } from "@/lib/groups/admin";
import { groupCreateSchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const fields = await parseBody(req, groupCreateSchema);
  return created({ group: await createGroup({ fields, actor: caller }) });
});
