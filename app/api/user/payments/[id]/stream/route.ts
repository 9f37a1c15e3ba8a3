// GET /api/user/payments/{id}/stream – SSE: one of the caller's top-ups now and whenever its state changes.

import { parseWith } from "@/lib/api/body";
import { withUser } from "@/lib/api/handler";
import { requireUserId } from "@/lib/auth/caller";
import { sseSnapshots } from "@/lib/events/sse";
import { paymentProviderOrThrow } from "@/lib/payments/config";
import { getPaymentForUserOrThrow } from "@/lib/payments/queries";
import { idParamsSchema } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withUser<{ id: string }>(async ({ req, params, caller }) => {
  paymentProviderOrThrow();
  const { id } = parseWith(idParamsSchema, params);
  const userId = requireUserId(caller);
  await getPaymentForUserOrThrow({ userId, paymentId: id });
  return sseSnapshots({
    request: req,
    topics: [`payment:${id}`],
    snapshot: () => getPaymentForUserOrThrow({ userId, paymentId: id }),
  });
});
