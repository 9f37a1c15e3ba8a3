// GET /api/openapi.json – the OpenAPI 3.1 document, generated from the routes' own zod schemas.
import { NextResponse } from "next/server";
import { withPublic } from "@/lib/api/handler";
import { openApiDocument } from "@/lib/openapi/document";

export const dynamic = "force-dynamic";

export const GET = withPublic(async () =>
  NextResponse.json(openApiDocument(), { headers: { "access-control-allow-origin": "*" } }),
);
