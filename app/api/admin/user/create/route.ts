// POST /api/admin/user/create – create an account (the password is optional; it can be set later).
import { created, withAdmin } from "@/lib/api/handler";
import { parseBody } from "@/lib/api/body";
import { userCreateSchema } from "@/lib/validations/admin";
import { createUserAsAdmin } from "@/lib/users/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const fields = await parseBody(req, userCreateSchema);
  return created(await createUserAsAdmin({ fields, actor: caller }));
});
