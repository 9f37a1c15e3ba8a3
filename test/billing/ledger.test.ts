import { beforeAll, describe, expect, it } from "vitest";
import { adjustWallet, parseAmountOrThrow, rechargeWallet } from "@/lib/billing/ledger";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { startApp } from "../helpers/app";
import { userWithKey } from "../helpers/gateway";

const actor = { userId: null, email: "test" };
beforeAll(startApp);

describe("recharges", () => {
  it("turns a post-paid user into a prepaid one on the first recharge", async () => {
    const { user } = await userWithKey();
    const r = await rechargeWallet({ target: { userId: user.id }, amount: 2_000_000n, actor });
    expect(r.balance).toBe("2.000000");
  });

  it("404s for a wallet owner that does not exist", async () => {
    await expect(rechargeWallet({ target: { apiKeyId: "nope" }, amount: 1n, actor })).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe("amounts", () => {
  it.each([
    ["-1"],
    [-5],
    ["0"],
    [0],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    ["1e30"],
    [1e30],
    ["12abc"],
    [""],
    [null],
    [{}],
    ["1.1234567"],
    ["1000000001"],
  ])("rejects %s with a 400 naming the field", (value) => {
    try {
      parseAmountOrThrow(value, "amount");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(400);
      expect((err as AppError).options.param).toBe("amount");
    }
  });

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
