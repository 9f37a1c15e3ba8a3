// GET /api/v1/responses/{id}/input_items – the input items of one of the key owner's stored responses.

import { parseQuery, parseWith } from "@/lib/api/body";
import { methodsNotAllowed, withOpenAiErrors } from "@/lib/api/handler";
import { apiPrincipalOrThrow } from "@/lib/gateway/api-principal";
import { inputItemsQuery, responseIdParams } from "@/lib/gateway/formats/responses-request";
import { listInputItemsOrThrow } from "@/lib/gateway/formats/responses-store";

export const dynamic = "force-dynamic";

export const GET = withOpenAiErrors<{ id: string }>(async ({ req, params }) => {
  const principal = await apiPrincipalOrThrow(req);
  const { id } = parseWith(responseIdParams, params);
  return listInputItemsOrThrow(principal.userId, id, parseQuery(req, inputItemsQuery));
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed(["GET"]);
