// POST /compat/brousla/auth/register – Brousla's registration {email, password}: Tollgate's own (policy, open/closed, confirmation).
import { parseBody } from "@/lib/api/body";
import { withBrouslaPublic } from "@/lib/compat/brousla/handler";
import { brouslaRegisterSchema } from "@/lib/compat/brousla/schemas";
import { brouslaRegister } from "@/lib/compat/brousla/service";

export const POST = withBrouslaPublic(async ({ req }) =>
  brouslaRegister(req, await parseBody(req, brouslaRegisterSchema)),
);
