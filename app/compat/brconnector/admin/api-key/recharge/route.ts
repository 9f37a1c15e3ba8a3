// POST /compat/brconnector/admin/api-key/recharge – BRConnector's top-up (`api_key` + `balance`, or the key's number), once per idempotency key.

import { parseBody, parseWith } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { rechargeBrKey } from "@/lib/compat/brconnector/admin";
import { brRechargeSchema } from "@/lib/compat/brconnector/schemas";
import { idempotencyHeaderSchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const body = await parseBody(req, brRechargeSchema);
  const header = parseWith(idempotencyHeaderSchema, {
    "Idempotency-Key": req.headers.get("idempotency-key") ?? undefined,
  });
  return rechargeBrKey({ body, idempotencyKey: body.idempotency_key ?? header["Idempotency-Key"], actor: caller });
});
