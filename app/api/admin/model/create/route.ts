// POST /api/admin/model/create – publish a provider's model under a public id, with its prices.

import { parseBody } from "@/lib/api/body";
import { created, withAdmin } from "@/lib/api/handler";
import { createModel } from "@/lib/providers/admin";
import { modelCreateBody } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const input = await parseBody(req, modelCreateBody);
  return created({ model: await createModel(input, caller) });
});
