// POST /compat/chatgpt/dashboard/users/{id}/tokens – set a user's token balance and grant amount.
import { parseBody, parseWith } from "@/lib/api/body";
import { setUserTokens } from "@/lib/compat/chatgpt/dashboard";
import { withChatgptAdmin } from "@/lib/compat/chatgpt/handler";
import { chatgptIdParams, chatgptTokensSchema } from "@/lib/compat/chatgpt/schemas";

export const POST = withChatgptAdmin<{ id: string }>(async ({ req, params, caller }) =>
  setUserTokens({
    id: parseWith(chatgptIdParams, params).id,
    fields: await parseBody(req, chatgptTokensSchema),
    actor: caller,
  }),
);
