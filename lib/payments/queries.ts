import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { getDb } from "@/lib/db/client";
import { formatMoney } from "@/lib/billing/money";
import type { Pagination } from "@/lib/validations/admin";

// Payments are the RECHARGE rows of the ledger, shown with the wallet they went into.

const paymentSelect = {
  id: true,
  amount: true,
  balanceAfter: true,
  note: true,
  actorId: true,
  createdAt: true,
  limit: {
    select: {
      scope: true,
      user: { select: { id: true, email: true, name: true } },
      apiKey: { select: { id: true, name: true, prefix: true, user: { select: { id: true, email: true, name: true } } } },
      group: { select: { id: true, name: true } },
    },
  },
} satisfies Prisma.TransactionSelect;

type PaymentRow = Prisma.TransactionGetPayload<{ select: typeof paymentSelect }>;

function presentPayment(t: PaymentRow) {
  const { limit, amount, balanceAfter, ...rest } = t;
  return {
    ...rest,
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
export async function listPayments(input: Pagination & { keyId?: string; userId?: string }) {
  const db = await getDb();
  const and: Prisma.TransactionWhereInput[] = [{ kind: "RECHARGE" }];
  if (input.keyId) and.push({ limit: { apiKeyId: input.keyId } });
  if (input.userId) and.push({ OR: [{ limit: { userId: input.userId } }, { limit: { apiKey: { userId: input.userId } } }] });
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
    db.transaction.findMany({ where, select: paymentSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: input.limit, skip: input.offset }),
  ]);
  return { total, items: rows.map(presentPayment) };
}
