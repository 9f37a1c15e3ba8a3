// GET|PUT /api/user/billing – the caller's auto top-up and low-balance / quota alert settings.

import { parseBody } from "@/lib/api/body";
import { withUser } from "@/lib/api/handler";
import { requireUserId } from "@/lib/auth/caller";
import { getBillingPreferences, updateBillingPreferences } from "@/lib/payments/preferences";
import { billingPreferencesSchema } from "@/lib/validations/payments";

export const dynamic = "force-dynamic";

export const GET = withUser(async ({ caller }) => getBillingPreferences(requireUserId(caller)));

export const PUT = withUser(async ({ req, caller }) => {
  const body = await parseBody(req, billingPreferencesSchema, 4096);
  return updateBillingPreferences(requireUserId(caller), body);
});
