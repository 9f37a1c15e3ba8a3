// POST /api/user/keys/{id}/revoke – revoke one of your API keys (someone else's is not found).
import { withUser } from "@/lib/api/handler";
import { requireChatUser } from "@/lib/chat/principal";
import { revokeApiKey } from "@/lib/keys/service";

export const POST = withUser<{ id: string }>(async ({ caller, params }) => {
  const { userId } = requireChatUser(caller);
  return { record: await revokeApiKey(params.id, userId) };
});
