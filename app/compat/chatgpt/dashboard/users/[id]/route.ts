// GET /compat/chatgpt/dashboard/users/{id} – one user with limits and keys.
import { parseWith } from "@/lib/api/body";
import { userDetail } from "@/lib/compat/chatgpt/dashboard";
import { withChatgptAdmin } from "@/lib/compat/chatgpt/handler";
import { chatgptIdParams } from "@/lib/compat/chatgpt/schemas";

export const dynamic = "force-dynamic";

export const GET = withChatgptAdmin<{ id: string }>(async ({ params }) =>
  userDetail(parseWith(chatgptIdParams, params).id),
);
