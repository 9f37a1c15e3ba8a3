// POST /api/auth/verify-email – confirm an address with the token from the confirmation mail ({ token }).
import { withPublic } from "@/lib/api/handler";
import { parseBody } from "@/lib/api/body";
import { verifyEmailSchema } from "@/lib/validations/auth";
import { verifyEmailWithToken } from "@/lib/auth/mail-links";

export const POST = withPublic(async ({ req }) => {
  const { token } = await parseBody(req, verifyEmailSchema);
  await verifyEmailWithToken(token);
  return { ok: true };
});
