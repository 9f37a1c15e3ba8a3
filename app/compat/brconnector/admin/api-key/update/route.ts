// POST /compat/brconnector/admin/api-key/update – BRConnector's key update, by the key's number (or id).

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { updateBrKey } from "@/lib/compat/brconnector/admin";
import { brUpdateSchema } from "@/lib/compat/brconnector/schemas";

export const POST = withAdmin(async ({ req, caller }) =>
  updateBrKey({ fields: await parseBody(req, brUpdateSchema), actor: caller }),
);
