// POST /api/v1/embeddings – OpenAI-compatible embeddings (float or base64), billed by input tokens to the key.

import { readJson } from "@/lib/api/body";
import { methodsNotAllowed, withOpenAiErrors } from "@/lib/api/handler";
import { apiPrincipalOrThrow } from "@/lib/gateway/api-principal";
import { runEmbeddings } from "@/lib/gateway/formats/embeddings";
import { GATEWAY_BODY_LIMIT } from "@/lib/gateway/pipeline";

export const dynamic = "force-dynamic";

export const POST = withOpenAiErrors(async ({ req, requestId }) => {
  const principal = await apiPrincipalOrThrow(req);
  const body = await readJson(req, GATEWAY_BODY_LIMIT);
  return runEmbeddings({ principal, body, requestId, signal: req.signal });
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed(["POST"]);
