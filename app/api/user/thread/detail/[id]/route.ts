// GET /api/user/thread/detail/{id} – one of the caller's requests in full.

import { parseWith } from "@/lib/api/body";
import { withUser } from "@/lib/api/handler";
import { requireUserId } from "@/lib/auth/caller";
import { getThreadDetailOrThrow } from "@/lib/history/queries";
import { idParamsSchema } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withUser<{ id: string }>(async ({ params, caller }) => {
  const { id } = parseWith(idParamsSchema, params);
  return getThreadDetailOrThrow({ id, ownerId: requireUserId(caller) });
});
