// POST /compat/brconnector/v1/chat/completions – BRConnector's completions: the native /v1 route itself (a `br_…` key works as any key).
export const dynamic = "force-dynamic";
export { POST } from "@/app/api/v1/chat/completions/route";
