// GET /api/user/session/detail/{id} – one of the caller's conversations with its messages and requests.
import { withUser } from "@/lib/api/handler";
import { parseWith } from "@/lib/api/body";
import { requireUserId } from "@/lib/auth/caller";
import { idParamsSchema } from "@/lib/validations/admin";
import { getSessionDetailOrThrow } from "@/lib/history/queries";

export const dynamic = "force-dynamic";

export const GET = withUser<{ id: string }>(async ({ params, caller }) => {
  const { id } = parseWith(idParamsSchema, params);
  return getSessionDetailOrThrow({ id, ownerId: requireUserId(caller) });
});
