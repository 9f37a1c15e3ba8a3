// GET /api/admin/session/detail/{id} – a conversation with its messages and requests.

import { parseWith } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { getSessionDetailOrThrow } from "@/lib/history/queries";
import { idParamsSchema } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin<{ id: string }>(async ({ params }) => {
  const { id } = parseWith(idParamsSchema, params);
  return getSessionDetailOrThrow({ id });
});
