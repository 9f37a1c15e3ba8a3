// POST /api/admin/provider/create – add a provider (OpenAI, OpenAI-compatible, Bedrock, Ollama); secrets are stored encrypted.

import { parseBody } from "@/lib/api/body";
import { created, withAdmin } from "@/lib/api/handler";
import { createProvider } from "@/lib/providers/admin";
import { providerCreateBody } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const input = await parseBody(req, providerCreateBody);
  return created({ provider: await createProvider(input, caller) });
});
