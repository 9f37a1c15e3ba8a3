// POST /compat/bothub/chat/message – a message {role, message, chatUid, modelUid}, answered through the gateway and saved in the chat.
import { parseBody } from "@/lib/api/body";
import { withBothubUser } from "@/lib/compat/bothub/handler";
import { bothubMessageSchema } from "@/lib/compat/bothub/schemas";
import { bothubSendMessage } from "@/lib/compat/bothub/service";

export const POST = withBothubUser(async ({ req, caller, requestId }) =>
  bothubSendMessage({ user: caller, body: await parseBody(req, bothubMessageSchema), requestId, signal: req.signal }),
);
