// GET /api/user/session/detail/{id} – one of the caller's conversations with its messages and requests.

import { parseWith } from "@/lib/api/body";
import { withUser } from "@/lib/api/handler";
import { requireUserId } from "@/lib/auth/caller";
import { getSessionDetailOrThrow } from "@/lib/history/queries";
import { idParamsSchema } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withUser<{ id: string }>(async ({ params, caller }) => {
  const { id } = parseWith(idParamsSchema, params);
  return getSessionDetailOrThrow({ id, ownerId: requireUserId(caller) });
});
