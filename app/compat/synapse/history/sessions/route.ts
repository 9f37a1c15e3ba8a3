// GET /compat/synapse/history/sessions – the caller's conversations as SynapseChat lists them.
import { withSynapseUser } from "@/lib/compat/synapse/handler";
import { synapseSessions } from "@/lib/compat/synapse/public";

export const dynamic = "force-dynamic";

export const GET = withSynapseUser(async ({ caller }) => synapseSessions(caller.userId));
