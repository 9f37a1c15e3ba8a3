// GET|POST /api/admin/config/region – the Bedrock regions requests are spread over (comma list or array).

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { getBedrockRegions, setBedrockRegions } from "@/lib/settings/admin";
import { regionUpdateSchema } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async () => getBedrockRegions());

export const POST = withAdmin(async ({ req, caller }) => {
  const body = await parseBody(req, regionUpdateSchema);
  return setBedrockRegions({ regions: body.regions ?? body.region ?? [], actor: caller });
});
