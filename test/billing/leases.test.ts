// Budget leases (lib/billing/lease.ts): a principal sending requests back to back is admitted in
// memory against a slice of every level's headroom reserved in one statement. Money stays exact —
// costs = ledger = balance change, nothing left reserved, the day's count right — no more is admitted
// than the budget holds, an administrator's change ends the lease at once, a new day does not use
// yesterday's lease, and crash recovery releases the lease of an instance that stopped.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { backlogShrank, setRecordBacklogProbe } from "@/lib/billing/backlog";
import { worstCase } from "@/lib/billing/estimate";
import { noteExactReservation, openLeases } from "@/lib/billing/lease";
import { adjustWallet } from "@/lib/billing/ledger";
import { releaseLeaseRows } from "@/lib/billing/limit-rows";
import { getLimitsView } from "@/lib/billing/limits-view";
import { formatMoney } from "@/lib/billing/money";
import { flushRecords, pendingRecords, recordFailure } from "@/lib/billing/recorder";
import { releaseOrphanedReservations } from "@/lib/billing/recovery";
import { reserveBudget } from "@/lib/billing/reserve";
import { setClockForTests } from "@/lib/clock";
import { getDb, transactionRows } from "@/lib/db/client";
import { createModel } from "@/lib/providers/admin";
import { findModel } from "@/lib/providers/catalog";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { seedProviders, userWithKey } from "../helpers/gateway";
import { postCompletion, walletOf } from "../helpers/money";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  const providers = await seedProviders(up, { input: "3", output: "7" });
  await createModel({
    publicId: "lingering",
    providerId: providers.openai,
    upstreamId: "fake-model:delay=400",
    inputPrice: "3",
    outputPrice: "7",
  });
});
afterEach(() => setClockForTests(null));
afterAll(() => up.close());

const messages = [{ role: "user", content: "lease me" }];
const ask = (key: string, model = "compat-fake") =>
  postCompletion(key, { model, messages, max_tokens: 10 }).then(async (r) => ({
    status: r.status,
    body: await r.json(),
  }));

async function leasesOn(limitId: string): Promise<number> {
  const db = await getDb();
  return db.lease.count({ where: { limitIds: { has: limitId } } });
}

/** Two requests back to back make a lease worth taking; it is taken off the request's path. */
async function takeLease(key: string, limitId: string): Promise<void> {
  expect((await ask(key)).status).toBe(200);
  expect((await ask(key)).status).toBe(200);
  for (let i = 0; i < 100 && (await leasesOn(limitId)) === 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(await leasesOn(limitId)).toBe(1);
}

describe("budget leases", () => {
  it("admits back-to-back requests against one lease and still bills each exactly, the day's count included", async () => {
    const { user, key, keyId } = await userWithKey({
      limits: { balance: 50_000_000n, monthlyQuota: 50_000_000n, dailyRequestLimit: 100_000 },
    });
    const before = await walletOf(keyId);
    await takeLease(key, before.id);
    const db = await getDb();
    const lease = await db.lease.findFirstOrThrow({ where: { limitIds: { has: before.id } } });
    // The slice is reserved on the level as a whole: money, and the day's requests (once the two
    // exact reservations before it are settled).
    await expect.poll(async () => (await walletOf(keyId)).reserved).toBe(lease.money);
    const held = await walletOf(keyId);
    expect(held.dayCount).toBe(2 + lease.requests);
    // …which the caller's own view leaves out: nothing of it is spent.
    const view = await getLimitsView({ userId: user.id, groupId: null, keyId });
    expect(view.balance).toBe(formatMoney(held.balance!));
    expect(view.levels.find((l) => l.scope === "KEY")).toMatchObject({ reserved: formatMoney(0n), dailyUsed: 2 });
    const results = await Promise.all(Array.from({ length: 40 }, () => ask(key)));
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
    // Admitted in memory: no PENDING row was written for them, and the lease is still the only one.
    expect(await leasesOn(before.id)).toBe(1);
    await flushRecords();
    expect(await leasesOn(before.id)).toBe(0);
    const after = await walletOf(keyId);
    const requests = await db.request.findMany({ where: { apiKeyId: keyId } });
    expect(requests).toHaveLength(42);
    expect(requests.every((r) => r.status === "OK")).toBe(true);
    const costs = requests.reduce((n, r) => n + r.cost, 0n);
    const usage = await db.transaction.aggregate({
      where: { limitId: after.id, kind: "USAGE", unit: "MONEY" },
      _sum: { amount: true },
    });
    expect(costs).toBeGreaterThan(0n);
    expect(-(usage._sum.amount ?? 0n)).toBe(costs);
    expect(before.balance! - after.balance!).toBe(costs);
    expect(after.monthSpent).toBe(costs);
    expect(after).toMatchObject({ reserved: 0n, monthReserved: 0n, tokenReserved: 0n, dayCount: 42 });
  });

  it("keeps each leased request's prompt and conversation, built at settlement, as an exact reservation does", async () => {
    const { user, key, keyId } = await userWithKey({ limits: { balance: 50_000_000n } });
    const wallet = await walletOf(keyId);
    await takeLease(key, wallet.id);
    const db = await getDb();
    const sent: Array<Array<{ role: string; content: string }>> = [];
    const turns: Array<{ role: string; content: string }> = [];
    for (const question of ["first  leased\n question", "second leased question", "third leased question"]) {
      turns.push({ role: "user", content: question });
      sent.push(structuredClone(turns));
      const res = await postCompletion(key, { model: "compat-fake", messages: turns, max_tokens: 10 });
      expect(res.status).toBe(200);
      turns.push({ role: "assistant", content: (await res.json()).choices[0].message.content });
    }
    // Admitted against the lease, which is still the only one: no PENDING row held their prompts.
    expect(await leasesOn(wallet.id)).toBe(1);
    await flushRecords();
    const records = await db.request.findMany({ where: { apiKeyId: keyId }, orderBy: { createdAt: "asc" } });
    expect(records.slice(-3).map((r) => r.prompt)).toEqual(sent);
    const session = await db.chatSession.findFirstOrThrow({
      where: { userId: user.id, title: "first leased question" },
      include: { requests: true },
    });
    expect(session.requests.map((r) => r.id).sort()).toEqual(
      records
        .slice(-3)
        .map((r) => r.id)
        .sort(),
    );
  });

  it("keeps large prompts whole when several settle in one batch, each written on its own", async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: 50_000_000n } });
    const wallet = await walletOf(keyId);
    await takeLease(key, wallet.id);
    // Over LARGE_PARAMETER (64 Ki characters) and under it, sent together so their records share a batch.
    const prompts = [70_000, 100, 130_000, 65_536, 200].map((n, i) => [
      { role: "user", content: `${i}:${"large prompts stay whole ".repeat(Math.ceil(n / 25))}`.slice(0, n) },
    ]);
    const answers = await Promise.all(
      prompts.map((m) => postCompletion(key, { model: "compat-fake", messages: m, max_tokens: 10 })),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const costs = answers.map((r) => r.headers.get("x-tollgate-cost"));
    await flushRecords();
    const db = await getDb();
    const records = await db.request.findMany({ where: { apiKeyId: keyId }, orderBy: { createdAt: "asc" } });
    const last = records.slice(-5);
    expect(last.map((r) => r.status)).toEqual(["OK", "OK", "OK", "OK", "OK"]);
    // Each prompt is its own request's, whole, whatever order the rows were written in.
    const byFirstChar = new Map(last.map((r) => [(r.prompt as (typeof prompts)[0])[0].content.split(":")[0], r]));
    prompts.forEach((m, i) => {
      const record = byFirstChar.get(String(i))!;
      expect(record.prompt).toEqual(m);
      // The fake upstream counts one token per 4 characters of message text.
      expect(record.promptTokens).toBe(Math.ceil(m[0].content.length / 4));
    });
    expect(last.map((r) => formatMoney(r.cost)).sort()).toEqual([...costs].sort());
    // Costs, ledger and balance agree, nothing is left reserved beyond the lease.
    const ledger = await db.transaction.findMany({ where: { requestId: { in: last.map((r) => r.id) } } });
    expect(ledger).toHaveLength(5);
    expect(ledger.reduce((n, t) => n - t.amount, 0n)).toBe(last.reduce((n, r) => n + r.cost, 0n));
  });

  it("never admits more than the budget holds, leases or not", async () => {
    const model = (await findModel("lingering"))!;
    const worst = worstCase([model], messages, 10);
    // Room for 120 worst cases: enough for leases (each takes a quarter of what is left), and every
    // request stays in flight ~400 ms, so 200 at once must find the budget exhausted.
    const { key, keyId } = await userWithKey({ limits: { balance: worst.money * 120n } });
    const wallet = await walletOf(keyId);
    await takeLease(key, wallet.id);
    // The lease stays open for the burst; the two requests before it are charged first.
    const db = await getDb();
    await expect.poll(() => db.request.count({ where: { apiKeyId: keyId, status: "OK" } })).toBe(2);
    const start = await walletOf(keyId);
    const since = Date.now();
    const results = await Promise.all(Array.from({ length: 200 }, () => ask(key, "lingering")));
    const ok = results.filter((r) => r.status === 200).length;
    // A request holds its worst case from admission until after its upstream call ended, so the
    // upstream calls running at any one moment can never be more than the balance's worst cases.
    // (Once the first ones finished, their unused worst case is free again: on a slow machine more
    // than 120 in all may be admitted, each one paid for.)
    const calls = up.requests.filter((r) => r.model === "fake-model:delay=400" && r.receivedAt >= since);
    const atOnce = Math.max(
      ...calls.map(
        (c) => calls.filter((o) => o.receivedAt <= c.receivedAt && (o.finishedAt ?? Infinity) > c.receivedAt).length,
      ),
    );
    expect(calls).toHaveLength(ok);
    expect(atOnce).toBeLessThanOrEqual(Number(start.balance! / worst.money));
    expect(atOnce).toBeGreaterThan(16);
    expect(results.filter((r) => r.status === 402).length).toBe(200 - ok);
    await flushRecords();
    const end = await walletOf(keyId);
    const requests = await db.request.findMany({ where: { apiKeyId: keyId, model: "lingering" } });
    expect(requests).toHaveLength(ok);
    expect(start.balance! - end.balance!).toBe(requests.reduce((n, r) => n + r.cost, 0n));
    expect(end.balance!).toBeGreaterThanOrEqual(0n);
    expect(end).toMatchObject({ reserved: 0n, monthReserved: 0n, tokenReserved: 0n });
    expect(await leasesOn(wallet.id)).toBe(0);
  });

  it("waits for a recorder that fell behind instead of reserving on the rows it settles, and reserves exactly only after waiting a second", async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: 50_000_000n } });
    const wallet = await walletOf(keyId);
    await takeLease(key, wallet.id);
    const db = await getDb();
    await expect.poll(() => db.request.count({ where: { apiKeyId: keyId, status: "OK" } })).toBe(2);
    const start = await walletOf(keyId);
    let behind = 2_500;
    setRecordBacklogProbe(() => behind);
    try {
      const asked = (at: number) => ask(key).then((r) => ({ ...r, after: Date.now() - at }));
      let answered = false;
      const waiting = asked(Date.now()).finally(() => {
        answered = true;
      });
      await new Promise((r) => setTimeout(r, 400));
      // Waiting for the recorder: not answered, and no exact reservation (its PENDING row) was made.
      expect(answered).toBe(false);
      expect(await db.request.count({ where: { apiKeyId: keyId, status: "PENDING" } })).toBe(0);
      behind = 900;
      backlogShrank();
      expect((await waiting).status).toBe(200);
      expect(await leasesOn(wallet.id)).toBe(1);

      // A recorder that stays behind: after a second's wait the request is reserved exactly, and served.
      behind = 2_500;
      const late = await asked(Date.now());
      expect(late.status).toBe(200);
      expect(late.after).toBeGreaterThanOrEqual(1_000);
    } finally {
      setRecordBacklogProbe(pendingRecords);
    }
    await flushRecords();
    const end = await walletOf(keyId);
    const requests = await db.request.findMany({ where: { apiKeyId: keyId } });
    expect(requests.map((r) => r.status)).toEqual(Array(4).fill("OK"));
    const costs = requests.reduce((n, r) => n + r.cost, 0n);
    expect(costs).toBeGreaterThan(0n);
    expect(start.balance! - end.balance!).toBe(costs - (wallet.balance! - start.balance!));
    expect(end).toMatchObject({ reserved: 0n, monthReserved: 0n, tokenReserved: 0n, dayCount: 4 });
  });

  it("lets a request that finds its principal's lease being taken wait for it, instead of reserving on the rows the lease statement locks", async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: 50_000_000n } });
    const wallet = await walletOf(keyId);
    const auth = await authenticateApiKey(key);
    if (auth.kind !== "key") throw new Error("not a key");
    const principal = { userId: auth.key.userId, groupId: auth.key.groupId, key: auth.key, source: "API" as const };
    const worst = worstCase([(await findModel("compat-fake"))!], messages, 10);
    const db = await getDb();
    // Another transaction holds the key's level: the lease statement waits for it.
    let unlock!: () => void;
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    const holding = db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "Limit" WHERE "id" = ${wallet.id} FOR UPDATE`;
        locked();
        await new Promise<void>((r) => {
          unlock = r;
        });
      },
      { timeout: 10_000 },
    );
    await isLocked;
    // Two exact reservations within a second: a lease is being taken (off the request's path).
    noteExactReservation(principal, worst);
    noteExactReservation(principal, worst);
    const requestId = randomUUID();
    const reserving = reserveBudget({
      requestId,
      principal,
      model: "compat-fake",
      worst,
      stream: false,
      promptJson: "[]",
    });
    await new Promise((r) => setTimeout(r, 100));
    unlock();
    await holding;
    const reservation = await reserving;
    // Admitted against the lease the statement took, not reserved on its own.
    expect(reservation.lease).toBeDefined();
    expect(await leasesOn(wallet.id)).toBe(1);
    recordFailure({
      userId: principal.userId,
      provider: "openai",
      reservation,
      status: "ABORTED",
      error: "never sent",
      model: "compat-fake",
      latencyMs: 0,
      attempts: 1,
    });
    await flushRecords();
    expect(await leasesOn(wallet.id)).toBe(0);
    expect(await walletOf(keyId)).toMatchObject({ balance: wallet.balance, reserved: 0n, dayCount: 1 });
  });

  it("ends when an administrator changes a level: the next request is checked against the new balance", async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: 50_000_000n } });
    const wallet = await walletOf(keyId);
    await takeLease(key, wallet.id);
    await adjustWallet({
      target: { apiKeyId: keyId },
      set: { balance: 0n },
      actor: { userId: null, email: "admin@example.test" },
    });
    const refused = await ask(key);
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatchObject({ limit: "balance", level: "key" });
    await flushRecords();
    expect(await leasesOn(wallet.id)).toBe(0);
    expect((await walletOf(keyId)).reserved).toBe(0n);
  });

  it("is not used on a new day, and gives back only its own day's unused requests", async () => {
    setClockForTests(new Date("2026-05-10T23:59:58Z"));
    const { key, keyId } = await userWithKey({ limits: { balance: 50_000_000n, dailyRequestLimit: 100_000 } });
    const wallet = await walletOf(keyId);
    await takeLease(key, wallet.id);
    setClockForTests(new Date("2026-05-11T00:00:01Z"));
    expect((await ask(key)).status).toBe(200);
    await flushRecords();
    const after = await walletOf(keyId);
    expect(after.dayStart.toISOString()).toBe("2026-05-11T00:00:00.000Z");
    expect(after).toMatchObject({ dayCount: 1, reserved: 0n });
    expect(await leasesOn(wallet.id)).toBe(0);
  });

  it("released by crash recovery meanwhile (its instance looked dead) is charged once, released once, and admits nothing more", async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: 50_000_000n } });
    const wallet = await walletOf(keyId);
    await takeLease(key, wallet.id);
    await expect
      .poll(async () => (await walletOf(keyId)).reserved)
      .toBe((await (await getDb()).lease.findFirstOrThrow({ where: { limitIds: { has: wallet.id } } })).money);
    // takeLease's two requests settled: the later one may be recorded after the lease was created.
    // (Not flushRecords: it would give the lease back.)
    const db = await getDb();
    await expect.poll(() => db.request.count({ where: { apiKeyId: keyId, status: "OK" } })).toBe(2);
    const earlier = (await db.request.findMany({ where: { apiKeyId: keyId }, select: { id: true } })).map((r) => r.id);
    const start = await walletOf(keyId);
    const lease = await db.lease.findFirstOrThrow({ where: { limitIds: { has: wallet.id } } });
    await transactionRows((run) => releaseLeaseRows(run, [lease.id]));
    expect((await walletOf(keyId)).reserved).toBe(0n);
    // Admitted against the lease still open in memory; its settlement finds the lease gone.
    expect((await ask(key)).status).toBe(200);
    await expect.poll(() => openLeases()).toBe(0);
    await flushRecords();
    const end = await walletOf(keyId);
    const since = await db.request.findMany({ where: { apiKeyId: keyId, id: { notIn: earlier } } });
    expect(since).toHaveLength(1);
    expect(end.reserved).toBe(0n);
    expect(start.balance! - end.balance!).toBe(since[0].cost);
  });

  it("of an instance that stopped is released by crash recovery: money, tokens and the day's requests", async () => {
    const { keyId } = await userWithKey({ limits: { balance: 1_000_000n, dailyRequestLimit: 1_000 } });
    const db = await getDb();
    const wallet = await walletOf(keyId);
    const day = new Date(wallet.dayStart.toISOString().slice(0, 10) + "T00:00:00Z");
    // What takeLease writes for 10 requests, as a crashed instance would have left it.
    await db.limit.update({
      where: { id: wallet.id },
      data: { reserved: 9_000n, monthReserved: 9_000n, tokenReserved: 500n, dayCount: 10 },
    });
    await db.lease.create({
      data: {
        id: `crashed-${keyId}`,
        instanceId: "an-instance-that-crashed",
        limitIds: [wallet.id],
        money: 9_000n,
        tokens: 500n,
        requests: 10,
        day,
      },
    });
    await releaseOrphanedReservations({ soleInstance: true });
    expect(await leasesOn(wallet.id)).toBe(0);
    expect(await walletOf(keyId)).toMatchObject({
      balance: 1_000_000n,
      reserved: 0n,
      monthReserved: 0n,
      tokenReserved: 0n,
      dayCount: 0,
    });
  });
});
