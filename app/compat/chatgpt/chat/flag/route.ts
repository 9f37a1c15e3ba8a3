// GET /compat/chatgpt/chat/flag – flag message `m` of thread `t` for the admins.
import { parseQuery } from "@/lib/api/body";
import { flagInThread } from "@/lib/compat/chatgpt/chat";
import { withChatgptSession } from "@/lib/compat/chatgpt/handler";
import { chatgptFlagQuery } from "@/lib/compat/chatgpt/schemas";

export const dynamic = "force-dynamic";

export const GET = withChatgptSession(async ({ req, caller }) => {
  const { t, m } = parseQuery(req, chatgptFlagQuery);
  return flagInThread({ user: caller, threadId: t, messageId: m });
});
