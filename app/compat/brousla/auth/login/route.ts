// POST /compat/brousla/auth/login – Brousla's login {email, password} → {access_token, token_type: "bearer"}.
import { parseBody } from "@/lib/api/body";
import { withBrouslaPublic } from "@/lib/compat/brousla/handler";
import { brouslaLoginSchema } from "@/lib/compat/brousla/schemas";
import { brouslaLogin } from "@/lib/compat/brousla/service";

export const POST = withBrouslaPublic(async ({ req }) => brouslaLogin(req, await parseBody(req, brouslaLoginSchema)));
