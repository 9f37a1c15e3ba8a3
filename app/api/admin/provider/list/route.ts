// GET /api/admin/provider/list – providers with their model count; credentials only as "is set" flags.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { listProviders } from "@/lib/providers/admin";
import { providerListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => listProviders(parseQuery(req, providerListQuery)));
