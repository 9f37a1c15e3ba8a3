// POST /api/admin/user/update – change role, group, status, name, password and limits of an account.

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { updateUserAsAdmin } from "@/lib/users/admin";
import { userUpdateSchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const fields = await parseBody(req, userUpdateSchema);
  return updateUserAsAdmin({ fields, actor: caller });
});
