import { beforeAll, describe, expect, it } from "vitest";
import { GET as adminListRoute } from "@/app/api/admin/payment/stripe/route";
import { POST as webhookRoute } from "@/app/api/payments/stripe/webhook/route";
import { GET as billingRoute } from "@/app/api/user/billing/route";
import { POST as checkoutRoute } from "@/app/api/user/payments/checkout/route";
import { GET as optionsRoute } from "@/app/api/user/payments/options/route";
import { GET as listRoute } from "@/app/api/user/payments/route";
import { rechargeWallet } from "@/lib/billing/ledger";
import { regularUser } from "../helpers/admin";
import { ADMIN_TOKEN, call, startApp } from "../helpers/app";

// No STRIPE_* in the environment: nothing of payments shows, and admin recharges work as before.
beforeAll(startApp);

describe("without Stripe configured", () => {
  it("answers every payment route with 404", async () => {
    const user = await regularUser("nostripe");
    expect((await call(checkoutRoute, { method: "POST", body: { amount: "10" }, cookie: user.cookie })).status).toBe(
      404,
    );
    expect((await call(optionsRoute, { cookie: user.cookie })).status).toBe(404);
    expect((await call(listRoute, { cookie: user.cookie, path: "/api/user/payments" })).status).toBe(404);
    expect(
      (await call(webhookRoute, { method: "POST", rawBody: "{}", headers: { "stripe-signature": "t=1,v1=x" } })).status,
    ).toBe(404);
    expect((await call(adminListRoute, { bearer: ADMIN_TOKEN, path: "/api/admin/payment/stripe" })).status).toBe(404);
    const billing = (await (await call(billingRoute, { cookie: user.cookie })).json()) as { paymentsEnabled: boolean };
    expect(billing.paymentsEnabled).toBe(false);
  });

  it("still lets an administrator recharge", async () => {
    const user = await regularUser("nostripe");
    const r = await rechargeWallet({
      target: { userId: user.user.id },
      amount: 5_000_000n,
      actor: { userId: null, email: "test" },
    });
    expect(r.balance).toBe("5.000000");
  });
});
