// POST /api/admin/user/create – create an account (the password is optional; it can be set later).

import { parseBody } from "@/lib/api/body";
import { created, withAdmin } from "@/lib/api/handler";
import { createUserAsAdmin } from "@/lib/users/admin";
import { userCreateSchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const fields = await parseBody(req, userCreateSchema);
  return created(await createUserAsAdmin({ fields, actor: caller }));
});
