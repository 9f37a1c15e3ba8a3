// GET|DELETE /compat/synapse/admin/api/users/{username} – one user in detail, or delete an ordinary user.
import { parseWith } from "@/lib/api/body";
import { deleteSynapseUser, getSynapseUser } from "@/lib/compat/synapse/admin";
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";
import { synapseUsernameParams } from "@/lib/compat/synapse/schemas";

export const dynamic = "force-dynamic";

export const GET = withSynapseAdmin<{ username: string }>(async ({ params }) =>
  getSynapseUser(parseWith(synapseUsernameParams, params).username),
);

export const DELETE = withSynapseAdmin<{ username: string }>(async ({ params, caller }) =>
  deleteSynapseUser({ username: parseWith(synapseUsernameParams, params).username, actor: caller }),
);
