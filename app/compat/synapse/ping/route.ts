// GET /compat/synapse/ping – SynapseChat's liveness check; names the user when Basic credentials come along.

import { usernameForEmail } from "@/lib/compat/basic-username";
import { SYNAPSE_DOMAIN, withSynapseOptional } from "@/lib/compat/synapse/handler";

export const dynamic = "force-dynamic";

export const GET = withSynapseOptional(async ({ caller }) => ({
  message: "pong",
  user: caller ? usernameForEmail(caller.email, SYNAPSE_DOMAIN) : null,
}));
