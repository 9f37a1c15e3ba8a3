import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as refundRoute } from "@/app/api/admin/payment/[id]/refund/route";
import { adjustWallet } from "@/lib/billing/ledger";
import { checkBalance } from "@/lib/billing/limits";
import { getDb } from "@/lib/db/client";
import { logger } from "@/lib/logging/logger";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { ADMIN_TOKEN, call, startApp } from "../helpers/app";
import { gatewayFetch, seedProviders } from "../helpers/gateway";
import { mailText } from "../helpers/smtp";
import {
  buyer,
  checkout,
  closePaymentServices,
  fake,
  mailsTo,
  paymentRow,
  postWebhook,
  sessionObject,
  walletOf,
} from "./helpers";

const up = await startFakeUpstream();
beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
afterAll(async () => {
  await closePaymentServices();
  await up.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function paidCheckout(amount: string) {
  const user = await buyer();
  const started = await checkout(user, amount);
  expect(started.res.status).toBe(201);
  expect(await fake.pay(started.sessionId)).toBe(200);
  return { user, paymentId: started.body.id, sessionId: started.sessionId };
}

describe("checkout.session.completed", () => {
  it("credits the amount Stripe took, once, as a ledger row carrying the Stripe ids, and mails a receipt", async () => {
    const { user, paymentId, sessionId } = await paidCheckout("12.50");
    const payment = await paymentRow(paymentId);
    expect(payment).toMatchObject({
      state: "PAID",
      credited: 12_500_000n,
      checkoutSessionId: sessionId,
      currency: "usd",
      amountMinor: 1250n,
    });
    expect(payment.paymentIntentId).toMatch(/^pi_/);
    const wallet = await walletOf(user.user.id);
    expect(wallet.balance).toBe(12_500_000n);
    expect(wallet.ledgerSum).toBe(wallet.balance);
    const db = await getDb();
    const rows = await db.transaction.findMany({ where: { paymentId } });
    expect(rows.map((r) => [r.kind, r.amount, r.externalId])).toEqual([["RECHARGE", 12_500_000n, sessionId]]);
    expect(rows[0].idempotencyKey).toMatch(/^stripe:evt_/);
    await expect.poll(() => mailsTo(user.email).length).toBe(1);
    const receipt = mailsTo(user.email)[0].raw;
    expect(receipt).toContain("12.50 USD");
    expect(receipt).toContain("http://tollgate.test/settings");
    // The checkout saved the card for auto top-up.
    await expect
      .poll(async () => (await db.billingProfile.findUnique({ where: { userId: user.user.id } }))?.paymentMethodId)
      .toMatch(/^pm_/);
  });

  it("credits nothing for an unpaid completion, then credits when the async payment succeeds", async () => {
    const user = await buyer();
    const { body, sessionId } = await checkout(user, "20");
    expect(await fake.pay(sessionId, { paymentStatus: "unpaid" })).toBe(200);
    expect((await paymentRow(body.id)).state).toBe("PENDING");
    expect((await walletOf(user.user.id)).ledgerSum).toBe(0n);
    expect(await fake.asyncResult(sessionId, true)).toBe(200);
    expect((await paymentRow(body.id)).state).toBe("PAID");
    const wallet = await walletOf(user.user.id);
    expect(wallet.balance).toBe(20_000_000n);
    expect(wallet.ledgerSum).toBe(20_000_000n);
  });

  it("marks an async failure and an expired checkout failed without touching the balance", async () => {
    const user = await buyer();
    const a = await checkout(user, "20");
    await fake.pay(a.sessionId, { paymentStatus: "unpaid" });
    expect(await fake.asyncResult(a.sessionId, false)).toBe(200);
    const b = await checkout(user, "30");
    expect(await fake.expire(b.sessionId)).toBe(200);
    expect((await paymentRow(a.body.id)).state).toBe("FAILED");
    expect((await paymentRow(b.body.id)).state).toBe("FAILED");
    expect((await paymentRow(b.body.id)).failureReason).toMatch(/expired/);
    expect((await walletOf(user.user.id)).rows).toBe(0);
  });

  it("credits the amount and currency on Stripe's session, not the amount the browser asked for", async () => {
    const user = await buyer();
    const { body, sessionId } = await checkout(user, "10");
    const paid = fake.signedEvent(
      "checkout.session.completed",
      sessionObject(sessionId, { status: "complete", payment_status: "paid", amount_total: 1234 }),
    );
    expect((await postWebhook(paid.payload, paid.header)).status).toBe(200);
    expect(await paymentRow(body.id)).toMatchObject({ state: "PAID", amountMinor: 1000n, credited: 12_340_000n });
    expect(await walletOf(user.user.id)).toMatchObject({ balance: 12_340_000n, ledgerSum: 12_340_000n, rows: 1 });
  });

  it("mails a receipt naming the amount, the new balance and the link to usage", async () => {
    const user = await buyer();
    await adjustWallet({
      target: { userId: user.user.id },
      set: { balance: 5_000_000n },
      actor: { userId: null, email: "test" },
    });
    const { sessionId, body } = await checkout(user, "10");
    expect(await fake.pay(sessionId)).toBe(200);
    await expect.poll(() => mailsTo(user.email).length).toBe(1);
    const receipt = mailText(mailsTo(user.email)[0]);
    expect(receipt).toContain("Receipt: 10.00 USD added to your Tollgate balance");
    expect(receipt).toContain("Your payment of 10.00 USD went through.");
    expect(receipt).toContain("New balance: 15.00 USD");
    expect(receipt).toContain(`Payment reference: ${body.id}`);
    expect(receipt).toContain("Your usage and payments: http://tollgate.test/settings");
  });
});

describe("idempotency and refusals", () => {
  it("applies one event sent ten times at once exactly once", async () => {
    const user = await buyer();
    const { body, sessionId } = await checkout(user, "10");
    const { payload, header } = fake.signedEvent(
      "checkout.session.completed",
      sessionObject(sessionId, { status: "complete", payment_status: "paid" }),
    );
    const answers = await Promise.all(Array.from({ length: 10 }, () => postWebhook(payload, header)));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    const replays = await Promise.all(answers.map((r) => r.json() as Promise<{ duplicate?: boolean }>));
    expect(replays.filter((r) => !r.duplicate)).toHaveLength(1);
    const wallet = await walletOf(user.user.id);
    expect(wallet).toMatchObject({ balance: 10_000_000n, ledgerSum: 10_000_000n, rows: 1 });
    // Sent again later (Stripe retries): still one credit.
    expect((await postWebhook(payload, header)).status).toBe(200);
    expect((await walletOf(user.user.id)).rows).toBe(1);
    expect((await paymentRow(body.id)).state).toBe("PAID");
  });

  it("refuses a forged, an expired and a missing signature with a 400 and changes nothing", async () => {
    const user = await buyer();
    const { body, sessionId } = await checkout(user, "10");
    const object = sessionObject(sessionId, { status: "complete", payment_status: "paid" });
    const forged = fake.signedEvent("checkout.session.completed", object, { secret: "whsec_someone_else" });
    const stale = fake.signedEvent("checkout.session.completed", object, {
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    for (const [payload, header] of [
      [forged.payload, forged.header],
      [stale.payload, stale.header],
      [stale.payload, null],
    ] as const) {
      const res = await postWebhook(payload, header);
      expect(res.status).toBe(400);
      const error = ((await res.json()) as { error: { message: string } }).error;
      expect(error.message).toMatch(/signature/i);
    }
    // A body changed after signing fails too.
    const tampered = fake.signedEvent("checkout.session.completed", object);
    expect(
      (await postWebhook(tampered.payload.replace('"amount_total":1000', '"amount_total":99900'), tampered.header))
        .status,
    ).toBe(400);
    expect((await paymentRow(body.id)).state).toBe("PENDING");
    expect((await walletOf(user.user.id)).rows).toBe(0);
  });

  it("allows a signature up to 5 minutes old, not older, and logs the refusal", async () => {
    const user = await buyer();
    const { body, sessionId } = await checkout(user, "10");
    const object = sessionObject(sessionId, { status: "complete", payment_status: "paid" });
    const seconds = Math.floor(Date.now() / 1000);
    const warn = vi.spyOn(logger, "warn");
    try {
      const tooOld = fake.signedEvent("checkout.session.completed", object, { timestamp: seconds - 320 });
      expect((await postWebhook(tooOld.payload, tooOld.header)).status).toBe(400);
      expect(warn).toHaveBeenCalledWith(
        expect.objectContaining({ reason: expect.stringMatching(/tolerance/i) }),
        "stripe webhook refused: bad signature",
      );
      expect((await paymentRow(body.id)).state).toBe("PENDING");
      const recent = fake.signedEvent("checkout.session.completed", object, { timestamp: seconds - 280 });
      expect((await postWebhook(recent.payload, recent.header)).status).toBe(200);
    } finally {
      warn.mockRestore();
    }
    expect((await paymentRow(body.id)).state).toBe("PAID");
    expect((await walletOf(user.user.id)).rows).toBe(1);
  });

  it("refuses a session in another currency and an unknown session, recording neither", async () => {
    const warn = vi.spyOn(logger, "warn");
    const user = await buyer();
    const { body, sessionId } = await checkout(user, "10");
    const euros = fake.signedEvent(
      "checkout.session.completed",
      sessionObject(sessionId, { payment_status: "paid", currency: "eur" }),
    );
    const res = await postWebhook(euros.payload, euros.header);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/EUR/);
    const unknown = fake.signedEvent(
      "checkout.session.completed",
      sessionObject(sessionId, {
        id: "cs_test_unknown",
        payment_status: "paid",
        metadata: { tollgate_payment_id: "nope" },
      }),
    );
    expect((await postWebhook(unknown.payload, unknown.header)).status).toBe(400);
    const db = await getDb();
    expect(await db.stripeEvent.count({ where: { id: { in: [euros.event.id, unknown.event.id] } } })).toBe(0);
    expect((await paymentRow(body.id)).state).toBe("PENDING");
    expect((await walletOf(user.user.id)).rows).toBe(0);
    // Both refusals are logged with the event's id and why.
    const refusals = warn.mock.calls.filter(([, message]) => message === "stripe webhook refused");
    warn.mockRestore();
    expect(refusals.map(([fields]) => fields)).toEqual([
      expect.objectContaining({ eventId: euros.event.id, reason: expect.stringMatching(/EUR/) }),
      expect.objectContaining({ eventId: unknown.event.id, reason: expect.stringMatching(/Unknown checkout session/) }),
    ]);
  });

  it("answers an event type it does not use with 200 and ignores it", async () => {
    const ignored = fake.signedEvent("customer.created", { id: "cus_test_x", object: "customer" });
    const res = await postWebhook(ignored.payload, ignored.header);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, ignored: true });
  });

  it("refuses a malformed body with a valid signature as a 400, not a 500", async () => {
    const { payload, header } = fake.signedEvent("checkout.session.completed", {
      id: "cs_x",
      object: "checkout.session",
      amount_total: "lots",
    });
    expect((await postWebhook(payload, header)).status).toBe(400);
  });
});

describe("a webhook that arrives while the checkout is still being created", () => {
  it("finds the payment Tollgate committed before asking Stripe, and credits it once", async () => {
    const user = await buyer();
    fake.options.completeOnCreate = true;
    try {
      const { res, body, sessionId } = await checkout(user, "15");
      expect(res.status).toBe(201);
      expect(fake.state.deliveries.at(-1)).toMatchObject({ type: "checkout.session.completed", status: 200 });
      const payment = await paymentRow(body.id);
      expect(payment).toMatchObject({ state: "PAID", checkoutSessionId: sessionId, credited: 15_000_000n });
      expect(await walletOf(user.user.id)).toMatchObject({ balance: 15_000_000n, ledgerSum: 15_000_000n, rows: 1 });
    } finally {
      fake.options.completeOnCreate = false;
    }
  });

  it("refuses an event for a payment not committed yet, and applies Stripe's retry once the row exists", async () => {
    const user = await buyer();
    const paymentId = `pay_late_${Date.now()}`;
    const sessionId = `cs_test_late_${Date.now()}`;
    const event = fake.signedEvent("checkout.session.completed", {
      id: sessionId,
      object: "checkout.session",
      status: "complete",
      payment_status: "paid",
      amount_total: 1500,
      currency: "usd",
      payment_intent: null,
      client_reference_id: user.user.id,
      metadata: { tollgate_payment_id: paymentId, tollgate_user_id: user.user.id },
    });
    expect((await postWebhook(event.payload, event.header)).status).toBe(400);
    const db = await getDb();
    await db.payment.create({
      data: { id: paymentId, userId: user.user.id, currency: "usd", amountMinor: 1500n },
    });
    const retried = await postWebhook(event.payload, event.header);
    expect(await retried.json()).toEqual({ received: true });
    expect(await paymentRow(paymentId)).toMatchObject({
      state: "PAID",
      checkoutSessionId: sessionId,
      credited: 15_000_000n,
    });
    expect(await walletOf(user.user.id)).toMatchObject({ balance: 15_000_000n, ledgerSum: 15_000_000n, rows: 1 });
  });
});

describe("refunds and disputes", () => {
  const refund = (paymentId: string, body?: object) =>
    call(refundRoute, {
      method: "POST",
      path: `/api/admin/payment/${paymentId}/refund`,
      bearer: ADMIN_TOKEN,
      params: { id: paymentId },
      ...(body ? { body } : { rawBody: "" }),
    });

  it("debits a partial then the remaining refund when Stripe's charge.refunded arrives", async () => {
    const { user, paymentId } = await paidCheckout("10");
    const partial = await refund(paymentId, { amount: "4" });
    expect(partial.status, await partial.clone().text()).toBe(200);
    await fake.idle();
    expect(await walletOf(user.user.id)).toMatchObject({ balance: 6_000_000n, ledgerSum: 6_000_000n });
    expect(await paymentRow(paymentId)).toMatchObject({ state: "PAID", refunded: 4_000_000n });
    expect((await refund(paymentId)).status).toBe(200);
    await fake.idle();
    expect(await walletOf(user.user.id)).toMatchObject({ balance: 0n, ledgerSum: 0n, rows: 3 });
    const refunded = await paymentRow(paymentId);
    expect(refunded).toMatchObject({ state: "REFUNDED", refunded: 10_000_000n });
    expect(refunded.chargeId).toMatch(/^ch_/);
    // Each debit is its own ledger row naming the charge and the event it came from.
    const db = await getDb();
    const rows = await db.transaction.findMany({ where: { paymentId }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.kind, r.amount, r.externalId])).toEqual([
      ["RECHARGE", 10_000_000n, expect.stringMatching(/^cs_/)],
      ["REFUND", -4_000_000n, refunded.chargeId],
      ["REFUND", -6_000_000n, refunded.chargeId],
    ]);
    expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(3);
    expect(rows.every((r) => /^stripe:evt_/.test(r.idempotencyKey ?? ""))).toBe(true);
    // Nothing left to refund.
    expect((await refund(paymentId)).status).toBe(409);
  });

  it("refuses a refund larger than what is left, or finer than a cent", async () => {
    const { paymentId } = await paidCheckout("10");
    expect((await refund(paymentId, { amount: "10.01" })).status).toBe(400);
    expect((await refund(paymentId, { amount: "1.001" })).status).toBe(400);
    expect((await refund("nope")).status).toBe(404);
  });

  it("debits a dispute below zero, marks the payment disputed and flags the user", async () => {
    const { user, paymentId } = await paidCheckout("10");
    await adjustWallet({
      target: { userId: user.user.id },
      set: { balance: 3_000_000n },
      actor: { userId: null, email: "test" },
    });
    const payment = await paymentRow(paymentId);
    expect(await fake.dispute(payment.paymentIntentId!)).toBe(200);
    expect(await walletOf(user.user.id)).toMatchObject({ balance: -7_000_000n, ledgerSum: -7_000_000n });
    expect(await paymentRow(paymentId)).toMatchObject({ state: "DISPUTED", disputed: 10_000_000n });
    const db = await getDb();
    const debit = await db.transaction.findFirstOrThrow({ where: { paymentId, amount: { lt: 0n } } });
    expect(debit).toMatchObject({ kind: "ADJUSTMENT", amount: -10_000_000n, balanceAfter: -7_000_000n });
    expect(debit.externalId).toMatch(/^dp_/);
    expect(
      (await db.billingProfile.findUniqueOrThrow({ where: { userId: user.user.id } })).disputeFlaggedAt,
    ).toBeInstanceOf(Date);
    // Below zero, the next request is refused like any empty balance.
    const wallet = await db.limit.findUniqueOrThrow({ where: { userId: user.user.id } });
    expect(() => checkBalance(wallet, 1n)).toThrow(expect.objectContaining({ status: 402 }));
    const upstreamCalls = up.requests.length;
    const res = await gatewayFetch("http://tollgate.test/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${user.key}` },
      body: JSON.stringify({ model: "compat-fake", messages: [{ role: "user", content: "hello" }] }),
    });
    expect(res.status).toBe(402);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Insufficient balance/);
    expect(up.requests.length).toBe(upstreamCalls);
  });
});
