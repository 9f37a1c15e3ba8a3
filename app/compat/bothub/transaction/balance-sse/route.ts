// GET /compat/bothub/transaction/balance-sse – the caller's balance and limits, live: the native stream itself.
export const dynamic = "force-dynamic";
export { GET } from "@/app/api/user/balance/stream/route";
