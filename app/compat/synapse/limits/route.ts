// GET /compat/synapse/limits – the caller's daily request limit, used and remaining.
import { withSynapseUser } from "@/lib/compat/synapse/handler";
import { synapseLimits } from "@/lib/compat/synapse/public";

export const dynamic = "force-dynamic";

export const GET = withSynapseUser(async ({ caller }) => synapseLimits(caller));
