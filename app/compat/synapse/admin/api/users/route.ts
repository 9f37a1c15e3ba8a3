// GET|POST /compat/synapse/admin/api/users – SynapseChat's users: list them, or create / update one {username, password, daily_limit}.
import { parseBody } from "@/lib/api/body";
import { listSynapseUsers, upsertSynapseUser } from "@/lib/compat/synapse/admin";
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";
import { synapseUserSchema } from "@/lib/compat/synapse/schemas";

export const dynamic = "force-dynamic";

export const GET = withSynapseAdmin(async () => listSynapseUsers());

export const POST = withSynapseAdmin(async ({ req, caller }) =>
  upsertSynapseUser({ fields: await parseBody(req, synapseUserSchema), actor: caller }),
);
