// GET|DELETE /api/v1/responses/{id} – one of the key owner's stored responses: read it, or delete it.

import { parseWith } from "@/lib/api/body";
import { methodsNotAllowed, withOpenAiErrors } from "@/lib/api/handler";
import { apiPrincipalOrThrow } from "@/lib/gateway/api-principal";
import { responseIdParams } from "@/lib/gateway/formats/responses-request";
import { deleteResponseOrThrow, getResponseOrThrow } from "@/lib/gateway/formats/responses-store";

export const dynamic = "force-dynamic";

export const GET = withOpenAiErrors<{ id: string }>(async ({ req, params }) => {
  const principal = await apiPrincipalOrThrow(req);
  const { id } = parseWith(responseIdParams, params);
  return getResponseOrThrow(principal.userId, id) as Promise<object>;
});

export const DELETE = withOpenAiErrors<{ id: string }>(async ({ req, params }) => {
  const principal = await apiPrincipalOrThrow(req);
  const { id } = parseWith(responseIdParams, params);
  return deleteResponseOrThrow(principal.userId, id);
});

export const { POST, PUT, PATCH } = methodsNotAllowed(["GET", "DELETE"]);
