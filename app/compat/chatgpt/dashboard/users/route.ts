// GET /compat/chatgpt/dashboard/users – users, paged (`limit`, `start`).
import { parseQuery } from "@/lib/api/body";
import { users } from "@/lib/compat/chatgpt/dashboard";
import { withChatgptAdmin } from "@/lib/compat/chatgpt/handler";
import { chatgptUsersQuery } from "@/lib/compat/chatgpt/schemas";

export const dynamic = "force-dynamic";

export const GET = withChatgptAdmin(async ({ req }) => users(parseQuery(req, chatgptUsersQuery)));
