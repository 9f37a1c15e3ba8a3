// GET|POST /api/admin/config/region – the Bedrock regions requests are spread over (comma list or array).
import { withAdmin } from "@/lib/api/handler";
import { parseBody } from "@/lib/api/body";
import { regionUpdateSchema } from "@/lib/validations/admin";
import { getBedrockRegions, setBedrockRegions } from "@/lib/settings/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async () => getBedrockRegions());

export const POST = withAdmin(async ({ req, caller }) => {
  const body = await parseBody(req, regionUpdateSchema);
  return setBedrockRegions({ regions: body.regions ?? body.region ?? [], actor: caller });
});
