// POST /api/admin/user/sign-out – end every session and bearer token of a user ({ id }).

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { signOutUserAsAdmin } from "@/lib/users/admin";
import { idBodySchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const { id } = await parseBody(req, idBodySchema);
  return signOutUserAsAdmin({ id, actor: caller });
});
