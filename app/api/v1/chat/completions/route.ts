// POST /api/v1/chat/completions – OpenAI-compatible chat completions (stream and not), billed to the key.

import { readJson } from "@/lib/api/body";
import { methodsNotAllowed, withOpenAiErrors } from "@/lib/api/handler";
import { apiPrincipalOrThrow, sessionHeaderFrom } from "@/lib/gateway/api-principal";
import { chatAnswer, GATEWAY_BODY_LIMIT } from "@/lib/gateway/pipeline";

export const dynamic = "force-dynamic";

export const POST = withOpenAiErrors(async ({ req, requestId }) => {
  const principal = await apiPrincipalOrThrow(req);
  const body = await readJson(req, GATEWAY_BODY_LIMIT);
  return chatAnswer({
    principal,
    body,
    requestId,
    signal: req.signal,
    sessionHeader: sessionHeaderFrom(req),
  });
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed(["POST"]);
