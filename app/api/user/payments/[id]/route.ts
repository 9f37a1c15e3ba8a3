// GET /api/user/payments/{id} – one of the caller's top-ups and its state.

import { parseWith } from "@/lib/api/body";
import { withUser } from "@/lib/api/handler";
import { requireUserId } from "@/lib/auth/caller";
import { paymentProviderOrThrow } from "@/lib/payments/config";
import { getPaymentForUserOrThrow } from "@/lib/payments/queries";
import { idParamsSchema } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withUser<{ id: string }>(async ({ params, caller }) => {
  paymentProviderOrThrow();
  const { id } = parseWith(idParamsSchema, params);
  return getPaymentForUserOrThrow({ userId: requireUserId(caller), paymentId: id });
});
