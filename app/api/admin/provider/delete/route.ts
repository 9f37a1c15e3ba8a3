// POST /api/admin/provider/delete – remove a provider and its models.

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { deleteProvider } from "@/lib/providers/admin";
import { idBodySchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const { id } = await parseBody(req, idBodySchema);
  await deleteProvider(id, caller);
  return { deleted: true, id };
});
