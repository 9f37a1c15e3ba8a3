// GET /compat/brconnector/admin/payment/list – recharges, newest first; `key_id` may be the key's number.

import { parseQuery } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { keyFilter } from "@/lib/compat/brconnector/ids";
import { listPayments } from "@/lib/payments/queries";
import { paymentListQuery } from "@/lib/validations/admin";

export const dynamic = "force-dynamic";

export const GET = withAdmin(async ({ req }) => {
  const { key_id, user_id, ...page } = parseQuery(req, paymentListQuery);
  return listPayments({ ...page, keyId: await keyFilter(key_id), userId: user_id });
});
