// GET /compat/chatgpt/chat/file – an image attached to one of the user's messages (`id` = `<message id>:<part>`).
import { parseQuery } from "@/lib/api/body";
import { attachedFile } from "@/lib/compat/chatgpt/chat";
import { withChatgptSession } from "@/lib/compat/chatgpt/handler";
import { chatgptFileQuery } from "@/lib/compat/chatgpt/schemas";

export const dynamic = "force-dynamic";

export const GET = withChatgptSession(async ({ req, caller }) =>
  attachedFile({ user: caller, id: parseQuery(req, chatgptFileQuery).id }),
);
