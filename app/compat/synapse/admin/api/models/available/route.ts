// GET /compat/synapse/admin/api/models/available – models that can be installed.
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";
import { listCuratedModels } from "@/lib/ollama/catalog";

export const dynamic = "force-dynamic";

export const GET = withSynapseAdmin(async () => listCuratedModels({ limit: 1000, offset: 0 }));
