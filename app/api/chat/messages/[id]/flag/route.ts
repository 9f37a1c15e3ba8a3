// POST /api/chat/messages/{id}/flag – flag one of your messages for the admins, with an optional reason ({ reason? }).
// DELETE /api/chat/messages/{id}/flag – take the flag back.

import { parseBody } from "@/lib/api/body";
import { withUser } from "@/lib/api/handler";
import { setMessageFlagOrThrow } from "@/lib/chat/messages";
import { requireChatUser } from "@/lib/chat/principal";
import { flagMessageSchema } from "@/lib/validations/chat";

type Params = { id: string };

export const POST = withUser<Params>(async ({ req, caller, params }) => {
  const { userId } = requireChatUser(caller);
  const { reason } = await parseBody(req, flagMessageSchema);
  return { message: await setMessageFlagOrThrow({ messageId: params.id, userId, flagged: true, reason }) };
});

export const DELETE = withUser<Params>(async ({ caller, params }) => {
  const { userId } = requireChatUser(caller);
  return { message: await setMessageFlagOrThrow({ messageId: params.id, userId, flagged: false }) };
});
