// POST /api/admin/provider/update – change a provider's URL, credentials, regions or enabled flag.

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { updateProvider } from "@/lib/providers/admin";
import { providerUpdateBody } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const { id, ...input } = await parseBody(req, providerUpdateBody);
  return { provider: await updateProvider(id, input, caller) };
});
