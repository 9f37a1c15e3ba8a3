// GET /compat/brconnector/user/session/detail/{id} – BRConnector's user API: the native route itself (the caller's own key or session).
export const dynamic = "force-dynamic";
export { GET } from "@/app/api/user/session/detail/[id]/route";
