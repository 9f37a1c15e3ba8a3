// GET /compat/brousla/auth/me – the signed-in user (Brousla's bearer token).
import { withBrouslaUser } from "@/lib/compat/brousla/handler";
import { brouslaMe } from "@/lib/compat/brousla/service";

export const dynamic = "force-dynamic";

export const GET = withBrouslaUser(async ({ caller }) => brouslaMe(caller));
