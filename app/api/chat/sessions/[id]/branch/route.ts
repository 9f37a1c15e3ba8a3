// PATCH /api/chat/sessions/{id}/branch – show another version of a message (an edit or a regeneration beside it).

import { parseBody } from "@/lib/api/body";
import { withUser } from "@/lib/api/handler";
import { switchBranchOrThrow } from "@/lib/chat/messages";
import { requireChatUser } from "@/lib/chat/principal";
import { switchBranchSchema } from "@/lib/validations/chat";

export const dynamic = "force-dynamic";

export const PATCH = withUser<{ id: string }>(async ({ req, caller, params }) => {
  const { userId } = requireChatUser(caller);
  const { messageId } = await parseBody(req, switchBranchSchema);
  await switchBranchOrThrow({ sessionId: params.id, userId, messageId });
  return { ok: true };
});
