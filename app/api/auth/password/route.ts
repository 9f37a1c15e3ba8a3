// POST /api/auth/password – change your password ({ currentPassword, newPassword }); every other session and token ends.

import { parseBody } from "@/lib/api/body";
import { withUser } from "@/lib/api/handler";
import { requireSignedInUser } from "@/lib/chat/principal";
import { changePassword } from "@/lib/users/accounts";
import { changePasswordSchema } from "@/lib/validations/auth";

export const POST = withUser(async ({ req, caller }) => {
  const { userId } = requireSignedInUser(caller);
  const { currentPassword, newPassword } = await parseBody(req, changePasswordSchema);
  await changePassword(userId, currentPassword, newPassword, caller.sessionId);
  return { ok: true };
});
