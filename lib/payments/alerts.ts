import "server-only";
import { formatMoney } from "@/lib/billing/money";
import { getDb } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { sendMail } from "@/lib/mail/send";
import { paymentCurrency, paymentsEnabled } from "./config";
import { minorToMicros } from "./currency";
import { adminDigestMail, lowBalanceMail, type PaymentProblem } from "./mails";

// Mail that follows money rather than a request: the low-balance and quota alerts (once per
// crossing: a flag is set when the alert goes out and cleared when the balance is back above the
// threshold) and the daily digest of failed payments and disputes for administrators (one per day
// across every instance: the JobRun row for the day is the claim).

export async function runBalanceAlerts(): Promise<number> {
  const db = await getDb();
  const profiles = await db.billingProfile.findMany({
    where: { OR: [{ lowBalanceBelow: { not: null } }, { quotaAlertPercent: { not: null } }] },
    include: {
      user: {
        select: {
          email: true,
          status: true,
          limit: { select: { balance: true, monthlyQuota: true, monthSpent: true, monthStart: true } },
        },
      },
    },
  });
  const currency = paymentCurrency();
  let sent = 0;
  for (const p of profiles) {
    const limit = p.user.limit;
    if (!limit || p.user.status !== "ACTIVE") continue;
    if (p.lowBalanceBelow !== null && limit.balance !== null) {
      const below = limit.balance < p.lowBalanceBelow;
      if (below && !p.lowBalanceAlerted) {
        const claimed = await db.billingProfile.updateMany({
          where: { userId: p.userId, lowBalanceAlerted: false },
          data: { lowBalanceAlerted: true },
        });
        if (claimed.count === 1) {
          await sendMail(
            lowBalanceMail({
              to: p.user.email,
              what: "balance",
              current: formatMoney(limit.balance),
              threshold: formatMoney(p.lowBalanceBelow),
              currency,
            }),
          );
          sent += 1;
        }
      } else if (!below && p.lowBalanceAlerted) {
        await db.billingProfile.updateMany({
          where: { userId: p.userId, lowBalanceAlerted: true },
          data: { lowBalanceAlerted: false },
        });
      }
    }
    if (p.quotaAlertPercent !== null && limit.monthlyQuota !== null && limit.monthlyQuota > 0n) {
      const used = (limit.monthSpent * 100n) / limit.monthlyQuota;
      const alreadyThisMonth = p.quotaAlertedFor?.getTime() === limit.monthStart.getTime();
      if (used >= BigInt(p.quotaAlertPercent) && !alreadyThisMonth) {
        const claimed = await db.billingProfile.updateMany({
          where: { userId: p.userId, OR: [{ quotaAlertedFor: null }, { quotaAlertedFor: { not: limit.monthStart } }] },
          data: { quotaAlertedFor: limit.monthStart },
        });
        if (claimed.count === 1) {
          await sendMail(
            lowBalanceMail({
              to: p.user.email,
              what: "quota",
              current: used.toString(),
              threshold: String(p.quotaAlertPercent),
              currency,
            }),
          );
          sent += 1;
        }
      }
    }
  }
  return sent;
}

/** Yesterday's (UTC) failed payments and disputes, mailed once to every active administrator. */
export async function runAdminPaymentDigest(now = new Date()): Promise<{ sent: boolean; problems: number }> {
  if (!paymentsEnabled()) return { sent: false, problems: 0 };
  const db = await getDb();
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const start = new Date(end.getTime() - 86_400_000);
  const day = start.toISOString().slice(0, 10);
  try {
    await db.jobRun.create({ data: { job: "payments-digest", period: day } });
  } catch (err) {
    if (isUniqueViolation(err)) return { sent: false, problems: 0 };
    throw err;
  }
  const rows = await db.payment.findMany({
    where: { state: { in: ["FAILED", "DISPUTED"] }, updatedAt: { gte: start, lt: end } },
    include: { user: { select: { email: true } } },
    orderBy: { updatedAt: "asc" },
  });
  if (rows.length === 0) return { sent: false, problems: 0 };
  const problems: PaymentProblem[] = rows.map((p) => ({
    id: p.id,
    email: p.user.email,
    state: p.state,
    amount: formatMoney(p.state === "DISPUTED" ? p.disputed : minorToMicros(p.amountMinor, p.currency)),
    reason: p.state === "DISPUTED" ? "dispute opened" : (p.failureReason ?? "failed"),
    at: p.updatedAt,
  }));
  const admins = await db.user.findMany({ where: { role: "ADMIN", status: "ACTIVE" }, select: { email: true } });
  for (const a of admins) await sendMail(adminDigestMail({ to: a.email, day, problems, currency: paymentCurrency() }));
  return { sent: admins.length > 0, problems: problems.length };
}
