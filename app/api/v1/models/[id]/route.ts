// GET /api/v1/models/{id} – one model this API key may use, in OpenAI's shape (404 otherwise).

import { parseWith } from "@/lib/api/body";
import { methodsNotAllowed, withOpenAiErrors } from "@/lib/api/handler";
import { apiPrincipalOrThrow } from "@/lib/gateway/api-principal";
import { modelForCallerOrThrow } from "@/lib/gateway/models";
import { modelIdParams } from "@/lib/validations/gateway";

export const dynamic = "force-dynamic";

export const GET = withOpenAiErrors<{ id: string }>(async ({ req, params }) => {
  const principal = await apiPrincipalOrThrow(req);
  const { id } = parseWith(modelIdParams, params);
  return modelForCallerOrThrow(principal.key?.allowedModels ?? [], id);
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed(["GET"]);
