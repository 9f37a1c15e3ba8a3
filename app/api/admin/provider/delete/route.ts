// POST /api/admin/provider/delete – remove a provider and its models.
import { withAdmin } from "@/lib/api/handler";
import { parseBody } from "@/lib/api/body";
import { idBodySchema } from "@/lib/validations/admin";
import { deleteProvider } from "@/lib/providers/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const { id } = await parseBody(req, idBodySchema);
  await deleteProvider(id, caller);
  return { deleted: true, id };
});
