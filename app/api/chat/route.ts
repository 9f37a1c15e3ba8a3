// POST /api/chat – one chat turn from the chat page (useChat): saves it and streams the answer through the gateway.

import { parseBody } from "@/lib/api/body";
import { withUser } from "@/lib/api/handler";
import { CHAT_BODY_LIMIT } from "@/lib/chat/limits";
import { requireChatUser } from "@/lib/chat/principal";
import { streamChatReply } from "@/lib/chat/reply";
import { chatRequestSchema } from "@/lib/validations/chat";

export const dynamic = "force-dynamic";

export const POST = withUser(async ({ req, caller, requestId }) => {
  const user = requireChatUser(caller);
  const request = await parseBody(req, chatRequestSchema, CHAT_BODY_LIMIT);
  return streamChatReply({ user, request, signal: req.signal, requestId });
});
