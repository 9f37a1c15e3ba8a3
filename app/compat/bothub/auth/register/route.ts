// POST /compat/bothub/auth/register – Bothub's registration; choosing one's own ADMIN role is refused (403 naming the admin way).
import { parseBody } from "@/lib/api/body";
import { withBothubPublic } from "@/lib/compat/bothub/handler";
import { bothubRegisterSchema } from "@/lib/compat/bothub/schemas";
import { bothubRegister } from "@/lib/compat/bothub/service";

export const POST = withBothubPublic(async ({ req }) =>
  bothubRegister(req, await parseBody(req, bothubRegisterSchema)),
);
