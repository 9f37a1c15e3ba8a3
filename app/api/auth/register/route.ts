// POST /api/auth/register – create an account (when registration is open); signed in at once, or (REQUIRE_EMAIL_VERIFICATION) after confirming the address by mail.

import { parseBody } from "@/lib/api/body";
import { withPublic } from "@/lib/api/handler";
import { registerFromRequest } from "@/lib/auth/registration";
import { registerSchema } from "@/lib/validations/auth";

export const POST = withPublic(async ({ req }) => registerFromRequest(req, await parseBody(req, registerSchema)));
