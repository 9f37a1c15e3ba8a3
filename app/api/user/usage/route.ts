// GET /api/user/usage?from=YYYY-MM-DD&to=YYYY-MM-DD – your tokens and cost by day and model (default: the last 30 days).

import { parseQuery } from "@/lib/api/body";
import { withUser } from "@/lib/api/handler";
import { requireUserId } from "@/lib/auth/caller";
import { usageForUser } from "@/lib/chat/usage";
import { usageQuerySchema } from "@/lib/validations/chat";

export const dynamic = "force-dynamic";

export const GET = withUser(async ({ req, caller }) =>
  usageForUser(requireUserId(caller), parseQuery(req, usageQuerySchema)),
);
