import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as refundRoute } from "@/app/api/admin/payment/[id]/refund/route";
import { GET as rechargeListRoute } from "@/app/api/admin/payment/list/route";
import { GET as stripeListRoute } from "@/app/api/admin/payment/stripe/route";
import { rechargeWallet } from "@/lib/billing/ledger";
import { expectAdminOnly, expectValidationError } from "../helpers/admin";
import { ADMIN_TOKEN, call, json, startApp } from "../helpers/app";
import { type Buyer, buyer, checkout, closePaymentServices, fake, paymentRow } from "./helpers";

// The admin's payments page: every Stripe top-up by state and user with its Stripe ids and the
// totals per day, the ledger's recharges by source, and the refund that goes through Stripe.

beforeAll(startApp);
afterAll(closePaymentServices);

type StripeItem = {
  id: string;
  state: string;
  amount: string;
  credited: string;
  refunded: string;
  disputed: string;
  checkoutSessionId: string | null;
  paymentIntentId: string | null;
  chargeId: string | null;
  user: { id: string; email: string; disputeFlaggedAt: string | null };
};
type DayTotal = { day: string; count: number; credited: string; refunded: string; disputed: string };
type StripeAnswer = { total: number; items: StripeItem[]; totals: DayTotal[] };
type Recharge = {
  id: string;
  amount: string;
  source: "manual" | "stripe";
  payment: { id: string; state: string } | null;
};

const stripeList = async (qs = "") =>
  json<StripeAnswer>(await call(stripeListRoute, { bearer: ADMIN_TOKEN, path: `/api/admin/payment/stripe?${qs}` }));
const rechargeList = async (qs: string) =>
  json<{ total: number; items: Recharge[] }>(
    await call(rechargeListRoute, { bearer: ADMIN_TOKEN, path: `/api/admin/payment/list?${qs}` }),
  );
const refund = (id: string, body: object = {}) =>
  call(refundRoute, {
    method: "POST",
    path: `/api/admin/payment/${id}/refund`,
    bearer: ADMIN_TOKEN,
    params: { id },
    body,
  });

let alice: Buyer;
let bob: Buyer;
const ids = { paid: "", failed: "", disputed: "", pending: "" };

beforeAll(async () => {
  alice = await buyer();
  bob = await buyer();
  const paid = await checkout(alice, "10");
  await fake.pay(paid.sessionId);
  const failed = await checkout(alice, "20");
  await fake.expire(failed.sessionId);
  const disputed = await checkout(bob, "30");
  await fake.pay(disputed.sessionId);
  await fake.dispute((await paymentRow(disputed.body.id)).paymentIntentId!);
  const pending = await checkout(bob, "5");
  Object.assign(ids, {
    paid: paid.body.id,
    failed: failed.body.id,
    disputed: disputed.body.id,
    pending: pending.body.id,
  });
  expect((await refund(ids.paid, { amount: "4" })).status).toBe(200);
  await fake.idle();
  await rechargeWallet({
    target: { userId: bob.user.id },
    amount: 7_000_000n,
    note: "wire transfer",
    actor: { userId: null, email: "test" },
  });
});

describe("GET /api/admin/payment/stripe", () => {
  it("lists every Stripe top-up with its state and Stripe ids, and flags a disputing user", async () => {
    const all = await stripeList();
    expect(all.total).toBe(4);
    const byId = new Map(all.items.map((p) => [p.id, p]));
    expect(byId.get(ids.paid)).toMatchObject({
      state: "PAID",
      amount: "10.000000",
      credited: "10.000000",
      refunded: "4.000000",
      checkoutSessionId: expect.stringMatching(/^cs_/),
      paymentIntentId: expect.stringMatching(/^pi_/),
      chargeId: expect.stringMatching(/^ch_/),
      user: { id: alice.user.id, disputeFlaggedAt: null },
    });
    expect(byId.get(ids.failed)).toMatchObject({ state: "FAILED", credited: "0.000000", paymentIntentId: null });
    expect(byId.get(ids.disputed)).toMatchObject({
      state: "DISPUTED",
      disputed: "30.000000",
      chargeId: expect.stringMatching(/^ch_/),
      user: { id: bob.user.id, disputeFlaggedAt: expect.any(String) },
    });
    expect(byId.get(ids.pending)).toMatchObject({ state: "PENDING", checkoutSessionId: expect.stringMatching(/^cs_/) });
  });

  it("filters by state and by user", async () => {
    expect((await stripeList("state=FAILED")).items.map((p) => p.id)).toEqual([ids.failed]);
    expect((await stripeList("state=DISPUTED")).items.map((p) => p.id)).toEqual([ids.disputed]);
    expect((await stripeList(`user_id=${bob.user.id}`)).items.map((p) => p.id).sort()).toEqual(
      [ids.disputed, ids.pending].sort(),
    );
    expect((await stripeList(`user_id=${alice.user.id}&state=PAID`)).items.map((p) => p.id)).toEqual([ids.paid]);
    expect((await stripeList(`user_id=${alice.user.id}&state=DISPUTED`)).total).toBe(0);
    await expectValidationError(
      await call(stripeListRoute, { bearer: ADMIN_TOKEN, path: "/api/admin/payment/stripe?state=LOST" }),
      "state",
    );
  });

  it("totals what was credited, refunded and disputed per day, following the filters", async () => {
    const sum = (totals: DayTotal[], field: "credited" | "refunded" | "disputed") =>
      totals.reduce((n, d) => n + BigInt(d[field].replace(".", "")), 0n);
    const { totals } = await stripeList();
    expect(totals.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d.day))).toBe(true);
    expect(totals.reduce((n, d) => n + d.count, 0)).toBe(4);
    expect(sum(totals, "credited")).toBe(40_000_000n);
    expect(sum(totals, "refunded")).toBe(4_000_000n);
    expect(sum(totals, "disputed")).toBe(30_000_000n);
    const alices = (await stripeList(`user_id=${alice.user.id}`)).totals;
    expect(alices.reduce((n, d) => n + d.count, 0)).toBe(2);
    expect(sum(alices, "credited")).toBe(10_000_000n);
    expect(sum(alices, "disputed")).toBe(0n);
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(stripeListRoute, { path: "/api/admin/payment/stripe" });
  });
});

describe("GET /api/admin/payment/list?source=", () => {
  it("tells manual recharges from Stripe ones and names the Stripe payment", async () => {
    const stripe = await rechargeList(`user_id=${bob.user.id}&source=stripe`);
    expect(stripe.items).toEqual([
      expect.objectContaining({
        source: "stripe",
        amount: "30.000000",
        payment: expect.objectContaining({ id: ids.disputed, state: "DISPUTED" }),
      }),
    ]);
    const manual = await rechargeList(`user_id=${bob.user.id}&source=manual`);
    expect(manual.items).toEqual([expect.objectContaining({ source: "manual", amount: "7.000000", payment: null })]);
    expect((await rechargeList(`user_id=${bob.user.id}`)).total).toBe(2);
  });
});

describe("POST /api/admin/payment/{id}/refund", () => {
  it("refuses what is not a paid payment, and is for administrators only", async () => {
    expect((await refund(ids.failed)).status).toBe(409);
    expect((await refund(ids.pending)).status).toBe(409);
    await expectValidationError(await refund(ids.paid, { amount: "0" }), "amount");
    await expectValidationError(await refund(ids.paid, { amount: "-1" }), "amount");
    await expectValidationError(await refund(ids.paid, { amount: "6.01" }), "amount");
    await expectAdminOnly(refundRoute, { method: "POST", params: { id: ids.paid }, body: {} });
  });
});
