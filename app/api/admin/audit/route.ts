// GET /api/admin/audit – the audit log (read-only), filtered by action prefix, target or actor.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { listAuditLog } from "@/lib/audit";
import { auditListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { action, target_type, target_id, actor_id, ...page } = parseQuery(req, auditListQuery);
  return listAuditLog({ ...page, action, targetType: target_type, targetId: target_id, actorId: actor_id });
});
