// POST /api/admin/model/update – change a model's prices, upstream id, fallbacks or enabled flag.

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { updateModel } from "@/lib/providers/admin";
import { modelUpdateBody } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const { id, ...input } = await parseBody(req, modelUpdateBody);
  return { model: await updateModel(id, input, caller) };
});
