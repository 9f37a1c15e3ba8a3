// GET /api/v1/models – the models this API key may use, in OpenAI's list shape.
import { methodsNotAllowed, withOpenAiErrors } from "@/lib/api/handler";
import { apiPrincipalOrThrow } from "@/lib/gateway/api-principal";
import { listModelsForCaller } from "@/lib/gateway/models";

export const dynamic = "force-dynamic";

export const GET = withOpenAiErrors(async ({ req }) => {
  const principal = await apiPrincipalOrThrow(req);
  return { object: "list", data: await listModelsForCaller(principal.key?.allowedModels ?? []) };
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed(["GET"]);
