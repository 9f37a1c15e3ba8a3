// GET /api/admin/thread/detail/{id} – one request: prompt, reply, tokens, cost, latency, time to first token, status, error.

import { parseWith } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { getThreadDetailOrThrow } from "@/lib/history/queries";
import { idParamsSchema } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin<{ id: string }>(async ({ params }) => {
  const { id } = parseWith(idParamsSchema, params);
  return getThreadDetailOrThrow({ id });
});
