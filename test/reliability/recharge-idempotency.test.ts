// Item 16: a recharge delivered several times with one idempotency key (a retried webhook, a
// double-clicked button) credits once, whether the copies arrive one after another or all at once.
import { beforeAll, describe, expect, it } from "vitest";
import * as recharge from "@/app/api/admin/api-key/recharge/route";
import { rechargeWallet } from "@/lib/billing/ledger";
import { getDb } from "@/lib/db/client";
import { ADMIN_TOKEN, call, startApp } from "../helpers/app";
import { userWithKey } from "../helpers/gateway";
import { walletOf } from "../helpers/money";

const actor = { userId: null, email: "test" };
beforeAll(startApp);

describe("one idempotency key, several deliveries", () => {
  it("credits once, replayed in sequence and 5 times at once, with the same answer", async () => {
    const { keyId } = await userWithKey({ limits: { balance: 0n } });
    const first = await rechargeWallet({
      target: { apiKeyId: keyId },
      amount: 10_500_000n,
      idempotencyKey: `r-${keyId}`,
      actor,
    });
    expect(first).toMatchObject({ amount: "10.500000", balance: "10.500000", replayed: false });
    const again = await rechargeWallet({
      target: { apiKeyId: keyId },
      amount: 10_500_000n,
      idempotencyKey: `r-${keyId}`,
      actor,
    });
    expect(again).toMatchObject({ transactionId: first.transactionId, balance: "10.500000", replayed: true });

    const burst = await Promise.all(
      Array.from({ length: 5 }, () =>
        rechargeWallet({ target: { apiKeyId: keyId }, amount: 1_000_000n, idempotencyKey: `burst-${keyId}`, actor }),
      ),
    );
    expect(new Set(burst.map((b) => b.transactionId)).size).toBe(1);
    const db = await getDb();
    const wallet = await walletOf(keyId);
    expect(wallet.balance).toBe(11_500_000n);
    const rows = await db.transaction.findMany({ where: { limitId: wallet.id, kind: "RECHARGE" } });
    expect(rows).toHaveLength(2);
    const audit = await db.auditLog.findMany({ where: { action: "wallet.recharge", targetId: wallet.id } });
    expect(audit).toHaveLength(2);
  });

  it("POST /api/admin/api-key/recharge with one Idempotency-Key, 5 deliveries at once: one credit, five identical answers", async () => {
    const { keyId } = await userWithKey({ limits: { balance: 0n } });
    const deliver = () =>
      call(recharge.POST, {
        bearer: ADMIN_TOKEN,
        headers: { "idempotency-key": "payment-evt-42" },
        body: { id: keyId, amount: "7.25" },
      });
    const responses = await Promise.all(Array.from({ length: 5 }, deliver));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(new Set(bodies.map((b) => b.transactionId)).size).toBe(1);
    expect(bodies.filter((b) => b.replayed === false)).toHaveLength(1);
    expect(bodies.every((b) => b.balance === "7.250000")).toBe(true);
    const wallet = await walletOf(keyId);
    expect(wallet.balance).toBe(7_250_000n);
    const db = await getDb();
    expect(await db.transaction.count({ where: { limitId: wallet.id, kind: "RECHARGE" } })).toBe(1);
  });
});
