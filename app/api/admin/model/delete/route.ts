// POST /api/admin/model/delete – remove a model from the catalog.

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { deleteModel } from "@/lib/providers/admin";
import { idBodySchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const { id } = await parseBody(req, idBodySchema);
  await deleteModel(id, caller);
  return { deleted: true, id };
});
