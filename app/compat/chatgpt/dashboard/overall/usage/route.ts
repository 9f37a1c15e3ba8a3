// GET /compat/chatgpt/dashboard/overall/usage – usage between two dates by day, month, company and user.
import { parseQuery } from "@/lib/api/body";
import { overallUsage } from "@/lib/compat/chatgpt/dashboard";
import { withChatgptAdmin } from "@/lib/compat/chatgpt/handler";
import { chatgptRangeQuery } from "@/lib/compat/chatgpt/schemas";

export const dynamic = "force-dynamic";

export const GET = withChatgptAdmin(async ({ req }) => overallUsage(parseQuery(req, chatgptRangeQuery)));
