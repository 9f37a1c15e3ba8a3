import { beforeAll, describe, expect, it } from "vitest";
import { POST as rechargeRoute } from "@/app/api/admin/api-key/recharge/route";
import { POST as refundRoute } from "@/app/api/admin/payment/[id]/refund/route";
import { GET as adminListRoute } from "@/app/api/admin/payment/stripe/route";
import { POST as webhookRoute } from "@/app/api/payments/stripe/webhook/route";
import { GET as billingRoute, PUT as billingUpdateRoute } from "@/app/api/user/billing/route";
import { GET as paymentRoute } from "@/app/api/user/payments/[id]/route";
import { GET as paymentStreamRoute } from "@/app/api/user/payments/[id]/stream/route";
import { POST as checkoutRoute } from "@/app/api/user/payments/checkout/route";
import { GET as optionsRoute } from "@/app/api/user/payments/options/route";
import { GET as listRoute } from "@/app/api/user/payments/route";
import { rechargeWallet } from "@/lib/billing/ledger";
import { resetConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { regularUser } from "../helpers/admin";
import { ADMIN_TOKEN, call, json, startApp } from "../helpers/app";

// No STRIPE_* in the environment: nothing of payments shows, and admin recharges work as before.
beforeAll(startApp);

type User = Awaited<ReturnType<typeof regularUser>>;

/** Every payment route, each answering its status; the user's own paid payment (left from a time with Stripe) is asked about. */
async function paymentRouteStatuses(user: User): Promise<number[]> {
  const db = await getDb();
  const payment = await db.payment.create({
    data: {
      userId: user.user.id,
      currency: "usd",
      amountMinor: 1000n,
      state: "PAID",
      credited: 10_000_000n,
      paymentIntentId: `pi_test_left_${Date.now()}_${Math.random()}`,
    },
  });
  const params = { id: payment.id };
  return Promise.all([
    call(checkoutRoute, { method: "POST", body: { amount: "10" }, cookie: user.cookie }),
    call(optionsRoute, { cookie: user.cookie }),
    call(listRoute, { cookie: user.cookie, path: "/api/user/payments" }),
    call(paymentRoute, { cookie: user.cookie, params }),
    call(paymentStreamRoute, { cookie: user.cookie, params }),
    call(billingUpdateRoute, {
      method: "PUT",
      path: "/api/user/billing",
      cookie: user.cookie,
      body: { autoTopUp: { below: "5", amount: "20" } },
    }),
    call(webhookRoute, { method: "POST", rawBody: "{}", headers: { "stripe-signature": "t=1,v1=x" } }),
    call(adminListRoute, { bearer: ADMIN_TOKEN, path: "/api/admin/payment/stripe" }),
    call(refundRoute, { method: "POST", bearer: ADMIN_TOKEN, params, body: {} }),
  ]).then((answers) => answers.map((r) => r.status));
}

describe("without Stripe configured", () => {
  it("answers every payment route with 404", async () => {
    const user = await regularUser("nostripe");
    expect(await paymentRouteStatuses(user)).toEqual(Array(9).fill(404));
    const billing = (await (await call(billingRoute, { cookie: user.cookie })).json()) as { paymentsEnabled: boolean };
    expect(billing.paymentsEnabled).toBe(false);
  });

  it("needs both Stripe secrets: one alone still leaves payments off", async () => {
    const user = await regularUser("halfstripe");
    for (const [name, value] of [
      ["STRIPE_SECRET_KEY", "sk_test_only_the_key"],
      ["STRIPE_WEBHOOK_SECRET", "whsec_only_the_secret"],
    ] as const) {
      process.env[name] = value;
      resetConfig();
      try {
        expect(await paymentRouteStatuses(user)).toEqual(Array(9).fill(404));
      } finally {
        delete process.env[name];
        resetConfig();
      }
    }
  });

  it("still lets an administrator recharge", async () => {
    const user = await regularUser("nostripe");
    const r = await rechargeWallet({
      target: { userId: user.user.id },
      amount: 5_000_000n,
      actor: { userId: null, email: "test" },
    });
    expect(r.balance).toBe("5.000000");
    const res = await call(rechargeRoute, { bearer: ADMIN_TOKEN, body: { id: user.keyId, amount: "2.5" } });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ api_key_id: user.keyId, amount: "2.500000", balance: "2.500000" });
  });
});
