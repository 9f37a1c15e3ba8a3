// POST /api/auth/password/forgot – mail a single-use reset link ({ email }); the same answer whether or not the address has an account.

import { parseBody } from "@/lib/api/body";
import { withPublic } from "@/lib/api/handler";
import { requestPasswordReset } from "@/lib/auth/mail-links";
import { forgotPasswordSchema } from "@/lib/validations/auth";

export const POST = withPublic(async ({ req }) => {
  const { email } = await parseBody(req, forgotPasswordSchema);
  await requestPasswordReset(req, email);
  return { ok: true, message: "If this address has an account, a reset link is on its way." };
});
