// GET /api/admin/group/list – groups with their member count and shared limits.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { listGroups } from "@/lib/groups/admin";
import { paginationQuerySchema } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => listGroups(parseQuery(req, paginationQuerySchema)));
