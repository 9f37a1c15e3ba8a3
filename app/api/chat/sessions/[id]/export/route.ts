// GET /api/chat/sessions/{id}/export – download one of your conversations as Markdown or JSON.

import { parseQuery } from "@/lib/api/body";
import { withUser } from "@/lib/api/handler";
import { exportSessionOrThrow } from "@/lib/chat/export";
import { requireChatUser } from "@/lib/chat/principal";
import { exportQuerySchema } from "@/lib/validations/chat";

export const dynamic = "force-dynamic";

export const GET = withUser<{ id: string }>(async ({ req, caller, params }) => {
  const { userId } = requireChatUser(caller);
  const { format } = parseQuery(req, exportQuerySchema);
  return exportSessionOrThrow(params.id, userId, format);
});
