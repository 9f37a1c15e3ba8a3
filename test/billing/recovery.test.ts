import { beforeAll, describe, expect, it } from "vitest";
import { releaseOrphanedReservations } from "@/lib/billing/recovery";
import { getDb } from "@/lib/db/client";
import { startApp } from "../helpers/app";
import { userWithKey } from "../helpers/gateway";

beforeAll(startApp);

describe("reservations left by a crashed instance", () => {
  it("are released when that instance stops heartbeating; a live instance's are kept", async () => {
    const { user, keyId } = await userWithKey({ limits: { balance: 1_000_000n } });
    const db = await getDb();
    const wallet = await db.limit.findUniqueOrThrow({ where: { apiKeyId: keyId } });
    await db.limit.update({
      where: { id: wallet.id },
      data: { reserved: 300n, monthReserved: 300n, tokenReserved: 30n },
    });
    await db.instance.create({ data: { id: "crashed", heartbeatAt: new Date(Date.now() - 5 * 60_000) } });
    await db.instance.create({ data: { id: "alive", heartbeatAt: new Date() } });
    const base = { userId: user.id, apiKeyId: keyId, model: "m", status: "PENDING" as const, limitIds: [wallet.id] };
    await db.request.create({
      data: { ...base, id: "req-crashed", reserved: 200n, reservedTokens: 20n, instanceId: "crashed" },
    });
    await db.request.create({
      data: { ...base, id: "req-alive", reserved: 100n, reservedTokens: 10n, instanceId: "alive" },
    });

    expect(await releaseOrphanedReservations()).toBe(1);
    const after = await db.limit.findUniqueOrThrow({ where: { id: wallet.id } });
    expect(after).toMatchObject({ reserved: 100n, monthReserved: 100n, tokenReserved: 10n, balance: 1_000_000n });
    expect((await db.request.findUniqueOrThrow({ where: { id: "req-crashed" } })).status).toBe("ERROR");
    expect((await db.request.findUniqueOrThrow({ where: { id: "req-alive" } })).status).toBe("PENDING");

    // the embedded database has one process: at its start, every other instance's request is orphaned
    expect(await releaseOrphanedReservations({ soleInstance: true })).toBe(1);
    expect((await db.limit.findUniqueOrThrow({ where: { id: wallet.id } })).reserved).toBe(0n);
  });
});
