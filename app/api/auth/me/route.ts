// GET /api/auth/me – the signed-in user.
import { withUser } from "@/lib/api/handler";
import { getCurrentUserOrThrow } from "@/lib/users/queries";

export const GET = withUser(async ({ caller }) => ({ user: await getCurrentUserOrThrow(caller) }));
