import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUT as billingRoute } from "@/app/api/user/billing/route";
import { adjustWallet } from "@/lib/billing/ledger";
import { getDb } from "@/lib/db/client";
import { runAdminPaymentDigest, runBalanceAlerts } from "@/lib/payments/alerts";
import { runAutoTopUps } from "@/lib/payments/auto-top-up";
import { expectValidationError } from "../helpers/admin";
import { call, startApp } from "../helpers/app";
import { mailText } from "../helpers/smtp";
import { buyer, checkout, closePaymentServices, fake, mailsTo, paymentRow, walletOf } from "./helpers";

beforeAll(startApp);
afterAll(closePaymentServices);

const actor = { userId: null, email: "test" };
const setBalance = (userId: string, balance: bigint) => adjustWallet({ target: { userId }, set: { balance }, actor });
const putBilling = (cookie: string, body: object) =>
  call(billingRoute, { method: "PUT", path: "/api/user/billing", cookie, body });

async function userWithSavedCard() {
  const user = await buyer();
  const { sessionId } = await checkout(user, "10");
  await fake.pay(sessionId);
  const db = await getDb();
  await expect
    .poll(
      async () => (await db.billingProfile.findUnique({ where: { userId: user.user.id } }))?.paymentMethodId ?? null,
    )
    .not.toBeNull();
  return user;
}

describe("auto top-up", () => {
  it("needs a saved card first", async () => {
    const user = await buyer();
    const res = await putBilling(user.cookie, { autoTopUp: { below: "5", amount: "20" } });
    expect(res.status).toBe(409);
  });

  it("refuses an amount outside the bounds", async () => {
    const user = await userWithSavedCard();
    await expectValidationError(
      await putBilling(user.cookie, { autoTopUp: { below: "5", amount: "1" } }),
      "autoTopUp.amount",
    );
  });

  it("charges the saved card off-session when the balance falls below the threshold, at most once an hour, credited by the webhook", async () => {
    const user = await userWithSavedCard();
    expect((await putBilling(user.cookie, { autoTopUp: { below: "5", amount: "20" } })).status).toBe(200);
    const now = new Date();
    expect(await runAutoTopUps(now)).toBe(0); // balance 10 is not below 5
    await setBalance(user.user.id, 2_000_000n);
    expect(await runAutoTopUps(now)).toBe(1);
    await fake.idle();
    expect((await walletOf(user.user.id)).balance).toBe(22_000_000n);
    const db = await getDb();
    const auto = await db.payment.findFirstOrThrow({ where: { userId: user.user.id, kind: "AUTO_TOP_UP" } });
    expect(auto).toMatchObject({ state: "PAID", credited: 20_000_000n });
    const intentRequest = fake.state.requests.find(
      (r) => r.path === "/v1/payment_intents" && r.idempotencyKey === `auto-top-up-${auto.id}`,
    )!;
    expect(intentRequest.body).toMatchObject({ off_session: "true", confirm: "true", amount: "2000" });
    // Still low within the hour: no second charge, even from two sweeps at once.
    await setBalance(user.user.id, 1_000_000n);
    expect(
      await Promise.all([
        runAutoTopUps(new Date(now.getTime() + 30 * 60_000)),
        runAutoTopUps(new Date(now.getTime() + 30 * 60_000)),
      ]),
    ).toEqual([0, 0]);
    const later = new Date(now.getTime() + 61 * 60_000);
    expect((await Promise.all([runAutoTopUps(later), runAutoTopUps(later)])).sort()).toEqual([0, 1]);
    await fake.idle();
    expect(await db.payment.count({ where: { userId: user.user.id, kind: "AUTO_TOP_UP" } })).toBe(2);
    const wallet = await walletOf(user.user.id);
    expect(wallet.balance).toBe(21_000_000n);
    expect(wallet.ledgerSum).toBe(wallet.balance);
  });

  it("marks a declined charge failed and mails the user once", async () => {
    const user = await userWithSavedCard();
    await putBilling(user.cookie, { autoTopUp: { below: "5", amount: "20" } });
    await setBalance(user.user.id, 0n);
    fake.options.declineOffSession = true;
    try {
      expect(await runAutoTopUps()).toBe(1);
      await fake.idle();
    } finally {
      fake.options.declineOffSession = false;
    }
    const db = await getDb();
    const auto = await db.payment.findFirstOrThrow({ where: { userId: user.user.id, kind: "AUTO_TOP_UP" } });
    expect(auto.state).toBe("FAILED");
    expect(auto.failureReason).toMatch(/declined/);
    await expect.poll(() => mailsTo(user.email).filter((m) => m.raw.includes("auto top-up failed")).length).toBe(1);
    expect((await walletOf(user.user.id)).balance).toBe(0n);
    expect((await paymentRow(auto.id)).credited).toBe(0n);
  });
});

describe("low-balance alerts", () => {
  it("mails once per crossing, not once per check", async () => {
    const user = await buyer();
    await setBalance(user.user.id, 10_000_000n);
    expect((await putBilling(user.cookie, { lowBalanceBelow: "5" })).status).toBe(200);
    const alerts = () => mailsTo(user.email).filter((m) => m.raw.includes("balance is low")).length;
    await runBalanceAlerts();
    expect(alerts()).toBe(0);
    await setBalance(user.user.id, 3_000_000n);
    await Promise.all([runBalanceAlerts(), runBalanceAlerts()]);
    await runBalanceAlerts();
    expect(alerts()).toBe(1);
    await setBalance(user.user.id, 8_000_000n);
    await runBalanceAlerts();
    await setBalance(user.user.id, 1_000_000n);
    await runBalanceAlerts();
    expect(alerts()).toBe(2);
  });

  it("mails once a month when the quota used crosses the chosen percentage", async () => {
    const user = await buyer();
    const db = await getDb();
    await db.limit.update({
      where: { userId: user.user.id },
      data: { monthlyQuota: 10_000_000n, monthSpent: 5_000_000n },
    });
    expect((await putBilling(user.cookie, { quotaAlertPercent: 80 })).status).toBe(200);
    const alerts = () => mailsTo(user.email).filter((m) => m.raw.includes("quota")).length;
    await runBalanceAlerts();
    expect(alerts()).toBe(0);
    await db.limit.update({ where: { userId: user.user.id }, data: { monthSpent: 8_500_000n } });
    await runBalanceAlerts();
    await runBalanceAlerts();
    expect(alerts()).toBe(1);
  });
});

describe("daily admin digest", () => {
  it("mails administrators yesterday's failed payments and disputes, once per day", async () => {
    const user = await buyer();
    const { body, sessionId } = await checkout(user, "10");
    await fake.expire(sessionId);
    const disputed = await checkout(user, "25");
    await fake.pay(disputed.sessionId);
    await fake.dispute((await paymentRow(disputed.body.id)).paymentIntentId!);
    const paid = await checkout(user, "15");
    await fake.pay(paid.sessionId);
    const tomorrow = new Date(Date.now() + 86_400_000);
    const first = await runAdminPaymentDigest(tomorrow);
    expect(first.sent).toBe(true);
    expect(first.problems).toBeGreaterThanOrEqual(2);
    const digest = mailsTo(process.env.ADMIN_EMAIL!).find((m) => m.raw.includes(body.id));
    const lines = mailText(digest!).split(/\r?\n/);
    expect(lines.find((l) => l.includes(body.id))).toMatch(/FAILED .* 10\.00 USD .*expired/);
    expect(lines.find((l) => l.includes(disputed.body.id))).toMatch(/DISPUTED .* 25\.00 USD .*dispute opened/);
    // A payment that went through is no problem.
    expect(lines.some((l) => l.includes(paid.body.id))).toBe(false);
    expect(await runAdminPaymentDigest(tomorrow)).toEqual({ sent: false, problems: 0 });
  });
});
