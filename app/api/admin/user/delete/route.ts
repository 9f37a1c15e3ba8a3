// POST /api/admin/user/delete – delete an account with its keys and history (not yourself, not the last admin).

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { deleteUserAsAdmin } from "@/lib/users/admin";
import { idBodySchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const { id } = await parseBody(req, idBodySchema);
  return deleteUserAsAdmin({ id, actor: caller });
});
