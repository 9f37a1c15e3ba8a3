// POST /api/v1/messages/count_tokens – Anthropic's token count for a Messages request (an estimate; nothing billed).

import { readJson } from "@/lib/api/body";
import { methodsNotAllowed, withAnthropicErrors } from "@/lib/api/handler";
import { apiPrincipalOrThrow } from "@/lib/gateway/api-principal";
import { checkAnthropicVersion, countAnthropicTokens } from "@/lib/gateway/formats/anthropic-messages";
import { GATEWAY_BODY_LIMIT } from "@/lib/gateway/pipeline";

export const dynamic = "force-dynamic";

export const POST = withAnthropicErrors(async ({ req }) => {
  const principal = await apiPrincipalOrThrow(req);
  checkAnthropicVersion(req.headers);
  return countAnthropicTokens({ principal, body: await readJson(req, GATEWAY_BODY_LIMIT) });
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed(["POST"]);
