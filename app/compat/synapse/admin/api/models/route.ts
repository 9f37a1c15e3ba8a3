// GET /compat/synapse/admin/api/models – the models installed on the Ollama server.
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";
import { listInstalledOllamaModels } from "@/lib/ollama/client";

export const dynamic = "force-dynamic";

export const GET = withSynapseAdmin(async () => listInstalledOllamaModels({ limit: 1000, offset: 0 }));
