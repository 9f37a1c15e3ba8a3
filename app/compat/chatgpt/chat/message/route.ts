// GET /compat/chatgpt/chat/message – send `m` to thread `t`; the answer and its usage come back as events (429 when the token allowance is spent).
import { parseQuery } from "@/lib/api/body";
import { messageEvents } from "@/lib/compat/chatgpt/chat";
import { withChatgptSession } from "@/lib/compat/chatgpt/handler";
import { chatgptMessageQuery } from "@/lib/compat/chatgpt/schemas";
import { config } from "@/lib/config";

export const dynamic = "force-dynamic";

export const GET = withChatgptSession(async ({ req, caller, requestId }) => {
  const { t, m } = parseQuery(req, chatgptMessageQuery);
  return messageEvents({
    user: caller,
    threadId: t,
    text: m,
    model: config().DEFAULT_MODEL ?? null,
    requestId,
    signal: req.signal,
  });
});
