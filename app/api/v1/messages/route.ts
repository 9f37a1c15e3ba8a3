// POST /api/v1/messages – the Anthropic Messages API (stream and not; x-api-key or bearer), billed to the key.

import { readJson } from "@/lib/api/body";
import { methodsNotAllowed, withAnthropicErrors } from "@/lib/api/handler";
import { apiPrincipalOrThrow, sessionHeaderFrom } from "@/lib/gateway/api-principal";
import { checkAnthropicVersion, runAnthropicMessages } from "@/lib/gateway/formats/anthropic-messages";
import { GATEWAY_BODY_LIMIT } from "@/lib/gateway/pipeline";

export const dynamic = "force-dynamic";

export const POST = withAnthropicErrors(async ({ req, requestId }) => {
  const principal = await apiPrincipalOrThrow(req);
  checkAnthropicVersion(req.headers);
  const body = await readJson(req, GATEWAY_BODY_LIMIT);
  return runAnthropicMessages({
    principal,
    body,
    requestId,
    signal: req.signal,
    sessionHeader: sessionHeaderFrom(req),
  });
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed(["POST"]);
