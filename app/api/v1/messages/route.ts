// POST /api/v1/messages – the Anthropic Messages API (stream and not; x-api-key or bearer), billed to the key.
import { methodsNotAllowed, withAnthropicErrors } from "@/lib/api/handler";
import { readJson, servedDirectly } from "@/lib/api/body";
import { apiPrincipalOrThrow, sessionHeaderFrom } from "@/lib/gateway/api-principal";
import { GATEWAY_BODY_LIMIT } from "@/lib/gateway/pipeline";
import { checkAnthropicVersion, runAnthropicMessages } from "@/lib/gateway/formats/anthropic-messages";

export const dynamic = "force-dynamic";

export const POST = withAnthropicErrors(async ({ req, requestId }) => {
  const principal = await apiPrincipalOrThrow(req);
  checkAnthropicVersion(req.headers);
  const body = await readJson(req, GATEWAY_BODY_LIMIT);
  return runAnthropicMessages({ principal, body, requestId, signal: req.signal, sessionHeader: sessionHeaderFrom(req), direct: servedDirectly(req) });
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed(["POST"]);
