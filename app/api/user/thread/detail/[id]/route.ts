// GET /api/user/thread/detail/{id} – one of the caller's requests in full.
import { withUser } from "@/lib/api/handler";
import { parseWith } from "@/lib/api/body";
import { requireUserId } from "@/lib/auth/caller";
import { idParamsSchema } from "@/lib/validations/admin";
import { getThreadDetailOrThrow } from "@/lib/history/queries";

export const dynamic = "force-dynamic";

export const GET = withUser<{ id: string }>(async ({ params, caller }) => {
  const { id } = parseWith(idParamsSchema, params);
  return getThreadDetailOrThrow({ id, ownerId: requireUserId(caller) });
});
