// POST /api/admin/api-key/apply – issue an API key (creating its user when the email is new); the key is shown only here.
import { NextResponse } from "next/server";
import { parseBody } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { applyApiKey } from "@/lib/keys/admin";
import { apiKeyApplySchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const fields = await parseBody(req, apiKeyApplySchema);
  const result = await applyApiKey({ fields, actor: caller, baseUrl: new URL(req.url).origin });
  return NextResponse.json(result, { status: 201, headers: { "cache-control": "no-store" } });
});
