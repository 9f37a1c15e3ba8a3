import "server-only";
import { lockWallet } from "@/lib/billing/ledger";
import type { Payment, Prisma, TransactionKind } from "@/lib/generated/prisma/client";

// Money from a payment provider enters (and leaves) a user's wallet only here, inside the
// transaction that also records the provider's event: the row's idempotency key is the event id,
// so a second delivery of the same event cannot write a second row.

type Tx = Prisma.TransactionClient;

export type LedgerMove = {
  payment: Pick<Payment, "id" | "userId">;
  kind: TransactionKind;
  /** Micro-units: positive credits, negative debits (a debit may take the balance below zero). */
  amount: bigint;
  eventId: string;
  externalId: string;
  note: string;
};

export async function moveMoneyForPayment(tx: Tx, move: LedgerMove): Promise<{ balance: bigint }> {
  const wallet = await lockWallet(tx, { userId: move.payment.userId });
  const balance = (wallet.balance ?? 0n) + move.amount;
  await tx.limit.update({ where: { id: wallet.id }, data: { balance } });
  await tx.transaction.create({
    data: {
      limitId: wallet.id,
      kind: move.kind,
      amount: move.amount,
      balanceAfter: balance,
      idempotencyKey: `stripe:${move.eventId}`,
      paymentId: move.payment.id,
      externalId: move.externalId,
      note: move.note,
    },
  });
  return { balance };
}

/** The payment row, locked until the transaction ends: two events about one payment apply one after the other. */
export async function lockPayment(tx: Tx, id: string): Promise<Payment> {
  await tx.$queryRaw`SELECT "id" FROM "Payment" WHERE "id" = ${id} FOR UPDATE`;
  return tx.payment.findUniqueOrThrow({ where: { id } });
}
