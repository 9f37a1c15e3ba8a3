// GET|PUT /api/user/billing – the caller's auto top-up and low-balance / quota alert settings.
import { withUser } from "@/lib/api/handler";
import { parseBody } from "@/lib/api/body";
import { requireUserId } from "@/lib/auth/caller";
import { billingPreferencesSchema } from "@/lib/validations/payments";
import { getBillingPreferences, updateBillingPreferences } from "@/lib/payments/preferences";

export const dynamic = "force-dynamic";

export const GET = withUser(async ({ caller }) => getBillingPreferences(requireUserId(caller)));

export const PUT = withUser(async ({ req, caller }) => {
  const body = await parseBody(req, billingPreferencesSchema, 4096);
  return updateBillingPreferences(requireUserId(caller), body);
});
