// POST /api/admin/provider/update – change a provider's URL, credentials, regions or enabled flag.
import { withAdmin } from "@/lib/api/handler";
import { parseBody } from "@/lib/api/body";
import { providerUpdateBody } from "@/lib/validations/admin";
import { updateProvider } from "@/lib/providers/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const { id, ...input } = await parseBody(req, providerUpdateBody);
  return { provider: await updateProvider(id, input, caller) };
});
