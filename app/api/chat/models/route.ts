// GET /api/chat/models – the chat models the signed-in user may chat with (no embedding models), with prices per million tokens.
import { withUser } from "@/lib/api/handler";
import { requireChatUser } from "@/lib/chat/principal";
import { listModelsForCaller } from "@/lib/gateway/models";

export const dynamic = "force-dynamic";

export const GET = withUser(async ({ caller }) => {
  requireChatUser(caller);
  return { models: await listModelsForCaller([], "CHAT") };
});
