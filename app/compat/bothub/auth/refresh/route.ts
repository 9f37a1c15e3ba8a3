// POST /compat/bothub/auth/refresh – a new token pair for a refresh token (each is used once; a reused one revokes the sign-in).
import { parseBody } from "@/lib/api/body";
import { withBothubPublic } from "@/lib/compat/bothub/handler";
import { bothubRefreshSchema } from "@/lib/compat/bothub/schemas";
import { bothubRefresh } from "@/lib/compat/bothub/service";

export const POST = withBothubPublic(async ({ req }) =>
  bothubRefresh((await parseBody(req, bothubRefreshSchema)).refreshToken),
);
