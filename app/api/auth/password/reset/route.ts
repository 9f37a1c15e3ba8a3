// POST /api/auth/password/reset – set a new password with the token from the reset mail ({ token, password }); every session and token of the user ends.

import { parseBody } from "@/lib/api/body";
import { withPublic } from "@/lib/api/handler";
import { resetPasswordWithToken } from "@/lib/auth/mail-links";
import { resetPasswordSchema } from "@/lib/validations/auth";

export const POST = withPublic(async ({ req }) => {
  const { token, password } = await parseBody(req, resetPasswordSchema);
  await resetPasswordWithToken(token, password);
  return { ok: true };
});
