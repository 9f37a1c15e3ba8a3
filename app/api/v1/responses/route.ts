// POST /api/v1/responses – the OpenAI Responses API (stream and not, stored and chained), billed to the key.

import { readJson } from "@/lib/api/body";
import { methodsNotAllowed, withOpenAiErrors } from "@/lib/api/handler";
import { apiPrincipalOrThrow, sessionHeaderFrom } from "@/lib/gateway/api-principal";
import { createResponse } from "@/lib/gateway/formats/responses";
import { GATEWAY_BODY_LIMIT } from "@/lib/gateway/pipeline";

export const dynamic = "force-dynamic";

export const POST = withOpenAiErrors(async ({ req, requestId }) => {
  const principal = await apiPrincipalOrThrow(req);
  const body = await readJson(req, GATEWAY_BODY_LIMIT);
  return createResponse({
    principal,
    body,
    requestId,
    signal: req.signal,
    sessionHeader: sessionHeaderFrom(req),
  });
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed(["POST"]);
