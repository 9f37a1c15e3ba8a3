// GET /compat/brconnector/user/thread/list – BRConnector's user API: the native route itself (the caller's own key or session).
export const dynamic = "force-dynamic";
export { GET } from "@/app/api/user/thread/list/route";
