// POST /api/v1/completions – OpenAI's legacy text completions (stream and not), billed to the key.
import { methodsNotAllowed, withOpenAiErrors } from "@/lib/api/handler";
import { readJson, servedDirectly } from "@/lib/api/body";
import { apiPrincipalOrThrow, sessionHeaderFrom } from "@/lib/gateway/api-principal";
import { GATEWAY_BODY_LIMIT } from "@/lib/gateway/pipeline";
import { createCompletion } from "@/lib/gateway/formats/completions";

export const dynamic = "force-dynamic";

export const POST = withOpenAiErrors(async ({ req, requestId }) => {
  const principal = await apiPrincipalOrThrow(req);
  const body = await readJson(req, GATEWAY_BODY_LIMIT);
  return createCompletion({ principal, body, requestId, signal: req.signal, sessionHeader: sessionHeaderFrom(req), direct: servedDirectly(req) });
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed(["POST"]);
