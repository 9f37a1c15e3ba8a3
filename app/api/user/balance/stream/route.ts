// GET /api/user/balance/stream – SSE: the caller's balance and limits now and whenever they change (any instance).
import { withUser } from "@/lib/api/handler";
import { requireUserId } from "@/lib/auth/caller";
import { getLimitsView } from "@/lib/billing/limits-view";
import { sseSnapshots } from "@/lib/events/sse";

export const dynamic = "force-dynamic";

export const GET = withUser(async ({ req, caller }) => {
  const userId = requireUserId(caller);
  return sseSnapshots({
    request: req,
    topics: [`balance:${userId}`],
    snapshot: () => getLimitsView({ userId, groupId: caller.groupId, keyId: caller.key?.id }),
  });
});
