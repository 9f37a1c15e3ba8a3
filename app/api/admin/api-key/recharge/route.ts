// POST /api/admin/api-key/recharge – top up a key's balance (by key or id), once per idempotency key.

import { parseBody, parseWith } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { rechargeApiKey } from "@/lib/keys/admin";
import { apiKeyRechargeSchema, idempotencyHeaderSchema } from "@/lib/validations/admin";

export const POST = withAdmin(async ({ req, caller }) => {
  const body = await parseBody(req, apiKeyRechargeSchema);
  const header = parseWith(idempotencyHeaderSchema, {
    "Idempotency-Key": req.headers.get("idempotency-key") ?? undefined,
  });
  return rechargeApiKey({
    ref: { apiKey: body.api_key, id: body.id },
    amount: body.amount ?? body.balance,
    idempotencyKey: body.idempotency_key ?? header["Idempotency-Key"],
    note: body.note,
    actor: caller,
  });
});
