// POST /compat/synapse/chat/{session_id} – SynapseChat's chat turn {model, prompt} → {response}; the history stays on the server.
import { parseBody, parseWith } from "@/lib/api/body";
import { withSynapseUser } from "@/lib/compat/synapse/handler";
import { synapseChat } from "@/lib/compat/synapse/public";
import { synapseChatSchema, synapseSessionParams } from "@/lib/compat/synapse/schemas";

export const POST = withSynapseUser<{ session_id: string }>(async ({ req, params, caller, requestId }) => {
  const { session_id } = parseWith(synapseSessionParams, params);
  const { model, prompt } = await parseBody(req, synapseChatSchema);
  return synapseChat({ user: caller, sessionId: session_id, model, prompt, requestId, signal: req.signal });
});
