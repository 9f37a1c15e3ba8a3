// GET /compat/brconnector/user/session/list – BRConnector's user API: the native route itself (the caller's own key or session).
export const dynamic = "force-dynamic";
export { GET } from "@/app/api/user/session/list/route";
