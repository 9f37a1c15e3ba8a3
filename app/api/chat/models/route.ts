// GET /api/chat/models – the chat models the signed-in user may chat with (no embedding models), with prices per million tokens, and the one they used last.
import { withUser } from "@/lib/api/handler";
import { requireChatUser } from "@/lib/chat/principal";
import { lastChatModel } from "@/lib/chat/sessions";
import { listModelsForCaller } from "@/lib/gateway/models";

export const dynamic = "force-dynamic";

export const GET = withUser(async ({ caller }) => {
  const { userId } = requireChatUser(caller);
  return { models: await listModelsForCaller([], "CHAT"), lastModel: await lastChatModel(userId) };
});
