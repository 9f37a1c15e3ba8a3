// GET|POST /api/admin/config – registration, the global daily limit, default limits for new users, rate-limit fail-open.

import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { getAdminConfig, updateAdminConfig } from "@/lib/settings/admin";
import { configUpdateSchema } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async () => getAdminConfig());

export const POST = withAdmin(async ({ req, caller }) => {
  const change = await parseBody(req, configUpdateSchema);
  return updateAdminConfig({ change, actor: caller });
});
