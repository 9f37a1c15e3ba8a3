// GET|DELETE /compat/synapse/history/{session_id} – one of the caller's conversations ({role, model, content, timestamp}), or delete it.
import { parseWith } from "@/lib/api/body";
import { withSynapseUser } from "@/lib/compat/synapse/handler";
import { deleteSynapseSession, synapseHistory } from "@/lib/compat/synapse/public";
import { synapseSessionParams } from "@/lib/compat/synapse/schemas";

export const dynamic = "force-dynamic";

export const GET = withSynapseUser<{ session_id: string }>(async ({ params, caller }) =>
  synapseHistory(caller.userId, parseWith(synapseSessionParams, params).session_id),
);

export const DELETE = withSynapseUser<{ session_id: string }>(async ({ params, caller }) =>
  deleteSynapseSession(caller.userId, parseWith(synapseSessionParams, params).session_id),
);
