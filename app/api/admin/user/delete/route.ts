// POST /api/admin/user/delete – delete an account with its keys and history (not yourself, not the last admin).
import { withAdmin } from "@/lib/api/handler";
import { parseBody } from "@/lib/api/body";
import { idBodySchema } from "@/lib/validations/admin";
import { deleteUserAsAdmin } from "@/lib/users/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const { id } = await parseBody(req, idBodySchema);
  return deleteUserAsAdmin({ id, actor: caller });
});
