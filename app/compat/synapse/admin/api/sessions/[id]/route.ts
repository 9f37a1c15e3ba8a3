// GET|DELETE /compat/synapse/admin/api/sessions/{id} – one conversation's messages, or delete it with them.
import { parseWith } from "@/lib/api/body";
import { deleteSynapseSession, getSynapseSession } from "@/lib/compat/synapse/admin";
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";
import { synapseIdParams } from "@/lib/compat/synapse/schemas";

export const dynamic = "force-dynamic";

export const GET = withSynapseAdmin<{ id: string }>(async ({ params }) =>
  getSynapseSession(parseWith(synapseIdParams, params).id),
);

export const DELETE = withSynapseAdmin<{ id: string }>(async ({ params, caller }) =>
  deleteSynapseSession({ id: parseWith(synapseIdParams, params).id, actor: caller }),
);
