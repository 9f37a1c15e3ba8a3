// POST /compat/brconnector/admin/api-key/update – BRConnector's key update, by the key's number (or id).
import { withAdmin } from "@/lib/api/handler";
import { parseBody } from "@/lib/api/body";
import { brUpdateSchema } from "@/lib/compat/brconnector/schemas";
import { updateBrKey } from "@/lib/compat/brconnector/admin";

export const POST = withAdmin(async ({ req, caller }) => updateBrKey({ fields: await parseBody(req, brUpdateSchema), actor: caller }));
