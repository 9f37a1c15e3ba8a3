// POST /compat/bothub/transaction/my/make – refused with 402: a balance is credited only by a payment or an admin's recharge.
import { parseBody } from "@/lib/api/body";
import { withBothubUser } from "@/lib/compat/bothub/handler";
import { bothubTransactionSchema } from "@/lib/compat/bothub/schemas";
import { refuseTopUpWithoutPayment } from "@/lib/compat/bothub/service";

export const POST = withBothubUser(async ({ req }) => {
  await parseBody(req, bothubTransactionSchema);
  return refuseTopUpWithoutPayment();
});
