// GET /api/user/limits – balance, monthly quota, tokens and next grant, daily requests, per level (session or own API key).
import { withUser } from "@/lib/api/handler";
import { requireUserId } from "@/lib/auth/caller";
import { getLimitsView } from "@/lib/billing/limits-view";

export const dynamic = "force-dynamic";

export const GET = withUser(async ({ caller }) =>
  getLimitsView({ userId: requireUserId(caller), groupId: caller.groupId, keyId: caller.key?.id }),
);
