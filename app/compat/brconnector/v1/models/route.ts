// GET /compat/brconnector/v1/models – BRConnector's model list: the native /v1 route itself.
export const dynamic = "force-dynamic";
export { GET } from "@/app/api/v1/models/route";
