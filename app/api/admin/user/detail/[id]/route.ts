// GET /api/admin/user/detail/{id} – one account with its limits and its API keys.

import { parseWith } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { getUserDetailOrThrow } from "@/lib/users/admin";
import { idParamsSchema } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin<{ id: string }>(async ({ params }) => {
  const { id } = parseWith(idParamsSchema, params);
  return getUserDetailOrThrow(id);
});
