// POST /compat/bothub/auth/login – Bothub's login {mail, password} → {accessToken, refreshToken}.
import { parseBody } from "@/lib/api/body";
import { withBothubPublic } from "@/lib/compat/bothub/handler";
import { bothubLoginSchema } from "@/lib/compat/bothub/schemas";
import { bothubLogin } from "@/lib/compat/bothub/service";

export const POST = withBothubPublic(async ({ req }) => bothubLogin(req, await parseBody(req, bothubLoginSchema)));
