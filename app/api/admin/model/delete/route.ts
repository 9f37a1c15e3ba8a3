// POST /api/admin/model/delete – remove a model from the catalog.
import { withAdmin } from "@/lib/api/handler";
import { parseBody } from "@/lib/api/body";
import { idBodySchema } from "@/lib/validations/admin";
import { deleteModel } from "@/lib/providers/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const { id } = await parseBody(req, idBodySchema);
  await deleteModel(id, caller);
  return { deleted: true, id };
});
