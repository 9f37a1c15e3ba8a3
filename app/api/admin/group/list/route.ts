// GET /api/admin/group/list – groups with their member count and shared limits.
import { withAdmin } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/body";
import { paginationQuerySchema } from "@/lib/validations/admin";
import { listGroups } from "@/lib/groups/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => listGroups(parseQuery(req, paginationQuerySchema)));
