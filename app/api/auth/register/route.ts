// POST /api/auth/register – create an account (when registration is open); signed in at once, or (REQUIRE_EMAIL_VERIFICATION) after confirming the address by mail.
import { withPublic } from "@/lib/api/handler";
import { parseBody } from "@/lib/api/body";
import { registerSchema } from "@/lib/validations/auth";
import { registerFromRequest } from "@/lib/auth/registration";

export const POST = withPublic(async ({ req }) => registerFromRequest(req, await parseBody(req, registerSchema)));
