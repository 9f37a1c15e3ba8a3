// GET /api/chat/sessions/{id}/events – SSE: the conversation's state now and whenever it changes (any tab, any instance).
import { withUser } from "@/lib/api/handler";
import { requireChatUser } from "@/lib/chat/principal";
import { sessionEventsOrThrow } from "@/lib/chat/sessions";

export const dynamic = "force-dynamic";

export const GET = withUser<{ id: string }>(async ({ req, caller, params }) => {
  const { userId } = requireChatUser(caller);
  return sessionEventsOrThrow(params.id, userId, req);
});
