// DELETE /api/admin/session/{id} – delete a conversation and its messages (its requests stay for billing).

import { parseWith } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { deleteSessionOrThrow } from "@/lib/history/queries";
import { idParamsSchema } from "@/lib/validations/admin";

export const DELETE = withAdmin<{ id: string }>(async ({ params, caller }) => {
  const { id } = parseWith(idParamsSchema, params);
  return deleteSessionOrThrow({ id, actor: caller });
});
