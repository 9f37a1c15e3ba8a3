import { beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../helpers/app";
import { userWithKey } from "../helpers/gateway";
import { adjustWallet, parseAmountOrThrow, rechargeWallet } from "@/lib/billing/ledger";
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";

const actor = { userId: null, email: "test" };
beforeAll(startApp);

describe("recharges", () => {
  it("credits once for one idempotency key, replayed in sequence and 5 times at once, with the same answer", async () => {
    const { keyId } = await userWithKey({ limits: { balance: 0n } });
    const first = await rechargeWallet({ target: { apiKeyId: keyId }, amount: 10_500_000n, idempotencyKey: `r-${keyId}`, actor });
    expect(first).toMatchObject({ amount: "10.500000", balance: "10.500000", replayed: false });
    const again = await rechargeWallet({ target: { apiKeyId: keyId }, amount: 10_500_000n, idempotencyKey: `r-${keyId}`, actor });
    expect(again).toMatchObject({ transactionId: first.transactionId, balance: "10.500000", replayed: true });

    const burst = await Promise.all(
      Array.from({ length: 5 }, () => rechargeWallet({ target: { apiKeyId: keyId }, amount: 1_000_000n, idempotencyKey: `burst-${keyId}`, actor })),
    );
    expect(new Set(burst.map((b) => b.transactionId)).size).toBe(1);
    const db = await getDb();
    const wallet = await db.limit.findUniqueOrThrow({ where: { apiKeyId: keyId } });
    expect(wallet.balance).toBe(11_500_000n);
    const rows = await db.transaction.findMany({ where: { limitId: wallet.id, kind: "RECHARGE" } });
    expect(rows).toHaveLength(2);
    const audit = await db.auditLog.findMany({ where: { action: "wallet.recharge", targetId: wallet.id } });
    expect(audit).toHaveLength(2);
  });

  it("turns a post-paid user into a prepaid one on the first recharge", async () => {
    const { user } = await userWithKey();
    const r = await rechargeWallet({ target: { userId: user.id }, amount: 2_000_000n, actor });
    expect(r.balance).toBe("2.000000");
  });

  it("404s for a wallet owner that does not exist", async () => {
    await expect(rechargeWallet({ target: { apiKeyId: "nope" }, amount: 1n, actor })).rejects.toMatchObject({ status: 404 });
  });
});

describe("amounts", () => {
  it.each([["-1"], [-5], ["0"], [0], [Number.NaN], [Number.POSITIVE_INFINITY], ["1e30"], [1e30], ["12abc"], [""], [null], [{}], ["1.1234567"], ["1000000001"]])(
    "rejects %s with a 400 naming the field",
    (value) => {
      try {
        parseAmountOrThrow(value, "amount");
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).status).toBe(400);
        expect((err as AppError).options.param).toBe("amount");
      }
    },
  );

  it("accepts exact decimals without floating point", () => {
    expect(parseAmountOrThrow("0.000001", "amount")).toBe(1n);
    expect(parseAmountOrThrow(0.1, "amount")).toBe(100_000n);
    expect(parseAmountOrThrow("999999999.999999", "amount")).toBe(999_999_999_999_999n);
  });
});

describe("adjustments", () => {
  it("records a balance set by an admin as an ADJUSTMENT with the balance after, and tokens likewise", async () => {
    const { user } = await userWithKey({ userLimits: { balance: 5_000_000n, tokenAllowance: 10n } });
    await adjustWallet({ target: { userId: user.id }, set: { balance: 3_000_000n, tokenAllowance: 500n }, actor });
    const db = await getDb();
    const wallet = await db.limit.findUniqueOrThrow({ where: { userId: user.id } });
    const rows = await db.transaction.findMany({ where: { limitId: wallet.id }, orderBy: { unit: "asc" } });
    expect(rows.map((r) => [r.kind, r.unit, r.amount, r.balanceAfter])).toEqual([
      ["ADJUSTMENT", "MONEY", -2_000_000n, 3_000_000n],
      ["ADJUSTMENT", "TOKENS", 490n, 500n],
    ]);
  });
});
