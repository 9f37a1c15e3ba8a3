// GET /compat/chatgpt/dashboard/transactions – ledger rows, paged (`limit`, `start`) and by date, with totals per kind.
import { parseQuery } from "@/lib/api/body";
import { transactions } from "@/lib/compat/chatgpt/dashboard";
import { withChatgptAdmin } from "@/lib/compat/chatgpt/handler";
import { chatgptTransactionsQuery } from "@/lib/compat/chatgpt/schemas";

export const dynamic = "force-dynamic";

export const GET = withChatgptAdmin(async ({ req }) => transactions(parseQuery(req, chatgptTransactionsQuery)));
