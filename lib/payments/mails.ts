import "server-only";
import { config } from "@/lib/config";
import type { Mail } from "@/lib/mail/send";

// The mails payments send. Money arrives as decimal text in the deployment's currency.

/** Where links in mails point: APP_URL, or this server's own port when it is not set. */
export function appUrl(): string {
  const cfg = config();
  return (cfg.APP_URL ?? `http://localhost:${cfg.PORT}`).replace(/\/+$/, "");
}

export function showMoney(amount: string, currency: string): string {
  const [whole, frac = ""] = amount.replace("-", "").split(".");
  const trimmed = frac.replace(/0+$/, "");
  return `${amount.startsWith("-") ? "-" : ""}${whole}${trimmed || currency !== "jpy" ? `.${trimmed.padEnd(2, "0")}` : ""} ${currency.toUpperCase()}`;
}

export function receiptMail(input: {
  to: string;
  amount: string;
  balance: string;
  currency: string;
  paymentId: string;
  auto: boolean;
}): Mail {
  return {
    to: input.to,
    subject: `Receipt: ${showMoney(input.amount, input.currency)} added to your Tollgate balance`,
    text: [
      `Hello,`,
      ``,
      `${input.auto ? "Your auto top-up" : "Your payment"} of ${showMoney(input.amount, input.currency)} went through.`,
      `New balance: ${showMoney(input.balance, input.currency)}`,
      `Payment reference: ${input.paymentId}`,
      ``,
      `Your usage and payments: ${appUrl()}/settings`,
    ].join("\n"),
  };
}

export function autoTopUpFailedMail(input: { to: string; amount: string; currency: string; reason: string }): Mail {
  return {
    to: input.to,
    subject: "Your Tollgate auto top-up failed",
    text: [
      `Hello,`,
      ``,
      `We tried to add ${showMoney(input.amount, input.currency)} to your balance with your saved card, but the payment failed:`,
      `    ${input.reason}`,
      ``,
      `Add credit by hand or update your card: ${appUrl()}/settings`,
      `We will not try again for at least an hour.`,
    ].join("\n"),
  };
}

export function lowBalanceMail(input: {
  to: string;
  what: "balance" | "quota";
  current: string;
  threshold: string;
  currency: string;
}): Mail {
  const line =
    input.what === "balance"
      ? `Your Tollgate balance is ${showMoney(input.current, input.currency)}, below the ${showMoney(input.threshold, input.currency)} you asked to be told about.`
      : `You have used ${input.current}% of this month's quota (your alert is at ${input.threshold}%).`;
  return {
    to: input.to,
    subject: input.what === "balance" ? "Your Tollgate balance is low" : "Your Tollgate monthly quota is nearly used",
    text: [`Hello,`, ``, line, ``, `Add credit or change this alert: ${appUrl()}/settings`].join("\n"),
  };
}

export type PaymentProblem = { id: string; email: string; state: string; amount: string; reason: string; at: Date };

export function adminDigestMail(input: {
  to: string;
  day: string;
  problems: PaymentProblem[];
  currency: string;
}): Mail {
  return {
    to: input.to,
    subject: `Tollgate payments ${input.day}: ${input.problems.length} failed or disputed`,
    text: [
      `Failed payments and disputes on ${input.day} (UTC):`,
      ``,
      ...input.problems.map(
        (p) =>
          `- ${p.at.toISOString()}  ${p.state.padEnd(8)}  ${showMoney(p.amount, input.currency).padStart(14)}  ${p.email}  ${p.reason}  (${p.id})`,
      ),
      ``,
      `Details: ${appUrl()}/admin/payments`,
    ].join("\n"),
  };
}
