import "server-only";
import { formatMoney } from "@/lib/billing/money";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { PaymentState, Prisma } from "@/lib/generated/prisma/client";
import type { Pagination } from "@/lib/validations/admin";
import { minorToMicros } from "./currency";

// Payments are the RECHARGE rows of the ledger, shown with the wallet they went into; a Stripe
// top-up's row also names its payment (state and Stripe ids). The Payment rows themselves (every
// checkout, paid or not) are listed for users and admins below.

const paymentSelect = {
  id: true,
  amount: true,
  balanceAfter: true,
  note: true,
  actorId: true,
  createdAt: true,
  payment: { select: { id: true, state: true, checkoutSessionId: true, paymentIntentId: true, chargeId: true } },
  limit: {
    select: {
      scope: true,
      user: { select: { id: true, email: true, name: true } },
      apiKey: {
        select: { id: true, name: true, prefix: true, user: { select: { id: true, email: true, name: true } } },
      },
      group: { select: { id: true, name: true } },
    },
  },
} satisfies Prisma.TransactionSelect;

type PaymentRow = Prisma.TransactionGetPayload<{ select: typeof paymentSelect }>;

function presentPayment(t: PaymentRow) {
  const { limit, amount, balanceAfter, payment, ...rest } = t;
  return {
    ...rest,
    source: payment ? ("stripe" as const) : ("manual" as const),
    payment,
    amount: formatMoney(amount),
    balanceAfter: formatMoney(balanceAfter),
    wallet: {
      scope: limit.scope,
      user: limit.user ?? limit.apiKey?.user ?? null,
      apiKey: limit.apiKey ? { id: limit.apiKey.id, name: limit.apiKey.name, prefix: limit.apiKey.prefix } : null,
      group: limit.group,
    },
  };
}

/** Recharges newest first. `user_id` covers the user's own wallet and their keys' wallets. */
export async function listPayments(
  input: Pagination & { keyId?: string; userId?: string; source?: "manual" | "stripe" },
) {
  const db = await getDb();
  const and: Prisma.TransactionWhereInput[] = [{ kind: "RECHARGE" }];
  if (input.source) and.push({ paymentId: input.source === "stripe" ? { not: null } : null });
  if (input.keyId) and.push({ limit: { apiKeyId: input.keyId } });
  if (input.userId)
    and.push({ OR: [{ limit: { userId: input.userId } }, { limit: { apiKey: { userId: input.userId } } }] });
  if (input.q) {
    const q = { contains: input.q, mode: "insensitive" } as const;
    and.push({
      OR: [
        { note: q },
        { limit: { user: { email: q } } },
        { limit: { apiKey: { OR: [{ name: q }, { prefix: { startsWith: input.q } }, { user: { email: q } }] } } },
        { limit: { group: { name: q } } },
      ],
    });
  }
  const where = { AND: and };
  const [total, rows] = await Promise.all([
    db.transaction.count({ where }),
    db.transaction.findMany({
      where,
      select: paymentSelect,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: input.limit,
      skip: input.offset,
    }),
  ]);
  return { total, items: rows.map(presentPayment) };
}

const stripePaymentSelect = {
  id: true,
  kind: true,
  state: true,
  currency: true,
  amountMinor: true,
  credited: true,
  refunded: true,
  disputed: true,
  checkoutSessionId: true,
  paymentIntentId: true,
  chargeId: true,
  failureReason: true,
  paidAt: true,
  createdAt: true,
  user: { select: { id: true, email: true, name: true, billing: { select: { disputeFlaggedAt: true } } } },
} satisfies Prisma.PaymentSelect;

type StripePaymentRow = Prisma.PaymentGetPayload<{ select: typeof stripePaymentSelect }>;

function presentStripePayment(p: StripePaymentRow) {
  const { amountMinor, credited, refunded, disputed, user, ...rest } = p;
  return {
    ...rest,
    amount: formatMoney(minorToMicros(amountMinor, p.currency)),
    credited: formatMoney(credited),
    refunded: formatMoney(refunded),
    disputed: formatMoney(disputed),
    user: { id: user.id, email: user.email, name: user.name, disputeFlaggedAt: user.billing?.disputeFlaggedAt ?? null },
  };
}

export type StripePaymentView = ReturnType<typeof presentStripePayment>;

/** A user's own top-ups, newest first. */
export async function listPaymentsForUser(input: Pagination & { userId: string }) {
  const db = await getDb();
  const where: Prisma.PaymentWhereInput = { userId: input.userId };
  const [total, rows] = await Promise.all([
    db.payment.count({ where }),
    db.payment.findMany({
      where,
      select: stripePaymentSelect,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: input.limit,
      skip: input.offset,
    }),
  ]);
  return { total, items: rows.map(presentStripePayment) };
}

/** One of the user's payments; someone else's is a 404 like a missing one. */
export async function getPaymentForUserOrThrow(input: { userId: string; paymentId: string }) {
  const db = await getDb();
  const row = await db.payment.findFirst({
    where: { id: input.paymentId, userId: input.userId },
    select: stripePaymentSelect,
  });
  if (!row) throw new AppError("not_found", "Payment not found");
  return presentStripePayment(row);
}

/** Every Stripe payment for the admin page, with totals per day (UTC) of what was credited, refunded and disputed. */
export async function listStripePayments(input: Pagination & { userId?: string; state?: PaymentState }) {
  const db = await getDb();
  const and: Prisma.PaymentWhereInput[] = [];
  if (input.userId) and.push({ userId: input.userId });
  if (input.state) and.push({ state: input.state });
  if (input.q) {
    const q = input.q;
    and.push({
      OR: [
        { user: { email: { contains: q, mode: "insensitive" } } },
        { checkoutSessionId: q },
        { paymentIntentId: q },
        { chargeId: q },
        { id: q },
      ],
    });
  }
  const where = { AND: and };
  const [total, rows, all] = await Promise.all([
    db.payment.count({ where }),
    db.payment.findMany({
      where,
      select: stripePaymentSelect,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: input.limit,
      skip: input.offset,
    }),
    db.payment.findMany({
      where: { AND: [...and, { createdAt: { gte: new Date(Date.now() - 30 * 86_400_000) } }] },
      select: { createdAt: true, credited: true, refunded: true, disputed: true, state: true },
    }),
  ]);
  const days = new Map<string, { day: string; count: number; credited: bigint; refunded: bigint; disputed: bigint }>();
  for (const p of all) {
    const day = p.createdAt.toISOString().slice(0, 10);
    const d = days.get(day) ?? { day, count: 0, credited: 0n, refunded: 0n, disputed: 0n };
    d.count += 1;
    d.credited += p.credited;
    d.refunded += p.refunded;
    d.disputed += p.disputed;
    days.set(day, d);
  }
  const totals = [...days.values()]
    .sort((a, b) => b.day.localeCompare(a.day))
    .map((d) => ({
      ...d,
      credited: formatMoney(d.credited),
      refunded: formatMoney(d.refunded),
      disputed: formatMoney(d.disputed),
    }));
  return { total, items: rows.map(presentStripePayment), totals };
}
