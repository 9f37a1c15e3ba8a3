// POST /compat/brconnector/admin/api-key/apply – BRConnector's key issue: numeric group_id and `"email": ""` accepted; the key is shown only here.
import { NextResponse } from "next/server";
import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { applyBrKey } from "@/lib/compat/brconnector/admin";
import { brApplySchema } from "@/lib/compat/brconnector/schemas";

export const POST = withAdmin(async ({ req, caller }) => {
  const fields = await parseBody(req, brApplySchema);
  const result = await applyBrKey({ fields, actor: caller, baseUrl: new URL(req.url).origin });
  return NextResponse.json(result, { status: 201, headers: { "cache-control": "no-store" } });
});
