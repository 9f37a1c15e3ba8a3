// Settlement when the reservation it settles is no longer what it was: PostgreSQL lost it (the
// reservation commits asynchronously, see lib/billing/reserve.ts; a crash of the database within a
// fraction of a second loses row and amounts together), or crash recovery released it while the
// request was still running (its instance looked dead). Either way the request is recorded and
// charged once, and nothing is released twice: "reserved" never drops below what is really held.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseReservation } from "@/lib/billing/limit-rows";
import { resetConfig } from "@/lib/config";
import { getDb, transactionRows } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { createModel } from "@/lib/providers/admin";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { seedProviders, userWithKey } from "../helpers/gateway";
import { postCompletion, recordOf, walletOf } from "../helpers/money";

process.env.UPSTREAM_MAX_RETRIES = "0";
resetConfig();
const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  const providers = await seedProviders(up, { input: "3", output: "7" });
  await createModel({
    publicId: "slow-ok",
    providerId: providers.openai,
    upstreamId: "fake-model:delay=400",
    inputPrice: "3",
    outputPrice: "7",
  });
  await createModel({
    publicId: "slow-fail",
    providerId: providers.openai,
    upstreamId: "fake-model:delay=400:fail=500",
    inputPrice: "3",
    outputPrice: "7",
  });
});
afterAll(() => up.close());

const BALANCE = 10_000_000n;

/** Sends a request and, while the upstream holds it, does `meanwhile` to its PENDING row. */
async function withReservationChanged(
  model: string,
  meanwhile: (pending: { id: string; reserved: bigint; reservedTokens: bigint; limitIds: string[] }) => Promise<void>,
) {
  const { key, keyId } = await userWithKey({ limits: { balance: BALANCE } });
  const requestId = `settle-${model}-${Math.random().toString(36).slice(2)}`;
  const response = postCompletion(
    key,
    { model, messages: [{ role: "user", content: "hello there" }], max_tokens: 20 },
    { requestId },
  );
  const db = await getDb();
  let pending = null;
  for (let i = 0; i < 200 && !pending; i++) {
    pending = await db.request.findFirst({ where: { id: requestId, status: "PENDING" } });
    if (!pending) await new Promise((r) => setTimeout(r, 10));
  }
  expect(pending, "the request was reserved while the upstream held it").not.toBeNull();
  expect((await walletOf(keyId)).reserved).toBe(pending!.reserved);
  await meanwhile(pending!);
  const res = await response;
  await res.text();
  return { status: res.status, record: await recordOf(requestId), wallet: await walletOf(keyId), keyId, requestId };
}

/** What losing an asynchronously committed reservation leaves: neither its row nor its amounts. */
async function loseReservation(p: { id: string; reserved: bigint; reservedTokens: bigint; limitIds: string[] }) {
  await transactionRows(async (run) => {
    await run(Prisma.sql`DELETE FROM "Request" WHERE "id" = ${p.id}::text`);
    await releaseReservation(run, { limitIds: p.limitIds, money: p.reserved, tokens: p.reservedTokens });
  });
}

/** What crash recovery does to a request of an instance that stopped heartbeating. */
async function releaseAsRecoveryWould(p: { id: string; reserved: bigint; reservedTokens: bigint; limitIds: string[] }) {
  await transactionRows(async (run) => {
    await run(
      Prisma.sql`UPDATE "Request" SET "status" = 'ERROR', "error" = 'released: the instance serving this request stopped' WHERE "id" = ${p.id}::text`,
    );
    await releaseReservation(run, { limitIds: p.limitIds, money: p.reserved, tokens: p.reservedTokens });
  });
}

async function usageLedger(requestId: string) {
  const db = await getDb();
  return db.transaction.findMany({ where: { requestId, kind: "USAGE", unit: "MONEY" } });
}

describe("settling a request whose reservation changed under it", () => {
  it("records and charges a request whose reservation the database lost, releasing nothing", async () => {
    const { status, record, wallet, requestId } = await withReservationChanged("slow-ok", loseReservation);
    expect(status).toBe(200);
    expect(record).toMatchObject({
      status: "OK",
      model: "slow-ok",
      userId: expect.any(String),
      apiKeyId: expect.any(String),
    });
    expect(record.cost).toBeGreaterThan(0n);
    expect(record.completionTokens).toBeGreaterThan(0);
    expect(wallet.reserved).toBe(0n);
    expect(wallet.tokenReserved).toBe(0n);
    expect(wallet.monthReserved).toBe(0n);
    expect(wallet.balance).toBe(BALANCE - record.cost);
    const ledger = await usageLedger(requestId);
    expect(ledger.map((t) => t.amount)).toEqual([-record.cost]);
  });

  it("records a failed request whose reservation the database lost, releasing nothing", async () => {
    const { status, record, wallet } = await withReservationChanged("slow-fail", loseReservation);
    expect(status).toBeGreaterThanOrEqual(500);
    expect(record).toMatchObject({ status: "ERROR", cost: 0n });
    expect(wallet.reserved).toBe(0n);
    expect(wallet.balance).toBe(BALANCE);
  });

  it("charges a request that crash recovery released meanwhile once, without releasing it again", async () => {
    const { status, record, wallet, requestId } = await withReservationChanged("slow-ok", releaseAsRecoveryWould);
    expect(status).toBe(200);
    expect(record).toMatchObject({ status: "OK", error: null });
    expect(record.cost).toBeGreaterThan(0n);
    expect(wallet.reserved).toBe(0n);
    expect(wallet.monthReserved).toBe(0n);
    expect(wallet.balance).toBe(BALANCE - record.cost);
    expect((await usageLedger(requestId)).map((t) => t.amount)).toEqual([-record.cost]);
  });

  it("does not release a failed request's reservation twice when crash recovery released it first", async () => {
    const { record, wallet } = await withReservationChanged("slow-fail", releaseAsRecoveryWould);
    expect(record.status).toBe("ERROR");
    expect(wallet.reserved).toBe(0n);
    expect(wallet.balance).toBe(BALANCE);
  });
});
