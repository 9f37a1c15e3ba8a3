// Payments tests: Stripe configured against the fake Stripe API (test/fake-stripe), its webhooks
// delivered to the real route handler in-process, and a real SMTP server for the mail.

import { POST as webhook } from "@/app/api/payments/stripe/webhook/route";
import { POST as checkoutRoute } from "@/app/api/user/payments/checkout/route";
import { resetConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { startFakeStripe } from "../fake-stripe/server.mjs";
import { regularUser } from "../helpers/admin";
import { call, json } from "../helpers/app";
import { startSmtpServer } from "../helpers/smtp";

export const WEBHOOK_SECRET = "whsec_test_tollgate_0123456789";

export const smtp = await startSmtpServer();
export const fake = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET, deliver: deliverToTollgate });

Object.assign(process.env, {
  STRIPE_SECRET_KEY: "sk_test_tollgate",
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_API_BASE: fake.url,
  APP_URL: "http://tollgate.test",
  SMTP_HOST: "127.0.0.1",
  SMTP_PORT: String(smtp.port),
  SMTP_FROM: "Tollgate <billing@tollgate.test>",
});
resetConfig();

/** Posts a signed payload to the webhook route as Stripe would; resolves to the status. */
export async function deliverToTollgate(payload: string, header: string): Promise<number> {
  const res = await postWebhook(payload, header);
  return res.status;
}

export function postWebhook(payload: string, header: string | null): Promise<Response> {
  return call(webhook, {
    method: "POST",
    path: "/api/payments/stripe/webhook",
    rawBody: payload,
    headers: { "content-type": "application/json", ...(header ? { "stripe-signature": header } : {}) },
  });
}

export async function closePaymentServices(): Promise<void> {
  await fake.close();
  await smtp.close();
}

export type Buyer = Awaited<ReturnType<typeof regularUser>>;

export async function buyer(): Promise<Buyer> {
  return regularUser("buyer");
}

/** Starts a checkout as the user; returns Tollgate's answer and the fake session behind it. */
export async function checkout(user: Buyer, amount: unknown) {
  const res = await call(checkoutRoute, {
    method: "POST",
    path: "/api/user/payments/checkout",
    body: { amount },
    cookie: user.cookie,
  });
  const body = await json<{ id: string; url: string; amount: string; currency: string; error?: { field?: string } }>(
    res.clone(),
  );
  const sessionId = res.status === 201 ? body.url.split("/").pop()! : "";
  return { res, body, sessionId };
}

export async function paymentRow(id: string) {
  const db = await getDb();
  return db.payment.findUniqueOrThrow({ where: { id } });
}

/** The user's balance, and the sum of every money row of the wallet's ledger (they must agree). */
export async function walletOf(userId: string): Promise<{ balance: bigint | null; ledgerSum: bigint; rows: number }> {
  const db = await getDb();
  const wallet = await db.limit.findUniqueOrThrow({ where: { userId } });
  const sum = await db.transaction.aggregate({
    where: { limitId: wallet.id, unit: "MONEY" },
    _sum: { amount: true },
    _count: true,
  });
  return { balance: wallet.balance, ledgerSum: sum._sum.amount ?? 0n, rows: sum._count };
}

/** A fake session as Stripe would send it in an event, with fields changed. */
export function sessionObject(sessionId: string, change: Record<string, unknown> = {}) {
  const s = fake.state.sessions.get(sessionId);
  if (!s) throw new Error(`no fake session ${sessionId}`);
  const { payment_intent_data: _internal, ...rest } = s as Record<string, unknown>;
  return { ...structuredClone(rest), ...change };
}

export function mailsTo(email: string) {
  return smtp.mails.filter((m) => m.to.includes(email));
}
