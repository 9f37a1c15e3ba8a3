// GET|POST /compat/brconnector/admin/config/region – BRConnector's Bedrock regions: the native route itself.
export const dynamic = "force-dynamic";
export { GET, POST } from "@/app/api/admin/config/region/route";
