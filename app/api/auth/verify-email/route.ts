// POST /api/auth/verify-email – confirm an address with the token from the confirmation mail ({ token }).

import { parseBody } from "@/lib/api/body";
import { withPublic } from "@/lib/api/handler";
import { verifyEmailWithToken } from "@/lib/auth/mail-links";
import { verifyEmailSchema } from "@/lib/validations/auth";

export const POST = withPublic(async ({ req }) => {
  const { token } = await parseBody(req, verifyEmailSchema);
  await verifyEmailWithToken(token);
  return { ok: true };
});
