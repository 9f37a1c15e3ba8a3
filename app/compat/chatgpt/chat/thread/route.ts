// GET /compat/chatgpt/chat/thread – the user's thread (latest or new), their tokens and the session: `s` is the host's signed token (exchanged once) or the session's.
import { parseQuery } from "@/lib/api/body";
import { openThread } from "@/lib/compat/chatgpt/chat";
import { withChatgptPublic } from "@/lib/compat/chatgpt/handler";
import { chatgptThreadQuery } from "@/lib/compat/chatgpt/schemas";
import { config } from "@/lib/config";

export const dynamic = "force-dynamic";

export const GET = withChatgptPublic(async ({ req }) =>
  openThread(parseQuery(req, chatgptThreadQuery).s, config().DEFAULT_MODEL ?? null),
);
