import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as apply from "@/app/api/admin/api-key/apply/route";
import * as list from "@/app/api/admin/api-key/list/route";
import * as recharge from "@/app/api/admin/api-key/recharge/route";
import * as revoke from "@/app/api/admin/api-key/revoke/route";
import * as update from "@/app/api/admin/api-key/update/route";
import * as payments from "@/app/api/admin/payment/list/route";
import * as me from "@/app/api/auth/me/route";
import { rechargeWallet } from "@/lib/billing/ledger";
import { getDb } from "@/lib/db/client";
import { createModel, createProvider } from "@/lib/providers/admin";
import { expectAdminOnly, expectValidationError, regularUser } from "../helpers/admin";
import { ADMIN_TOKEN, call, json, startApp } from "../helpers/app";

// A real SMTP server receives the key mail (config is read once, on the first request).
const mails: Array<{ to: string[]; body: string }> = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  onData(stream, session, done) {
    let body = "";
    stream.on("data", (c: Buffer) => (body += c.toString("utf8")));
    stream.on("end", () => {
      mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
      done();
    });
  },
});
await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
process.env.SMTP_HOST = "127.0.0.1";
process.env.SMTP_PORT = String((smtp.server.address() as { port: number }).port);

type KeyView = {
  id: string;
  name: string;
  prefix: string;
  role: string;
  allowedModels: string[];
  revokedAt: string | null;
  expiresAt: string | null;
  user: { email: string };
  limit: {
    balance: string | null;
    monthlyQuota: string | null;
    rpm: number | null;
    dailyRequestLimit: number | null;
  } | null;
};
type Applied = {
  key: string;
  api_key: KeyView;
  user: { id: string; email: string };
  created_user: boolean;
  mail: { sent: boolean; reason?: string };
};

beforeAll(async () => {
  await startApp();
  const p = await createProvider({
    name: "keys-openai",
    kind: "OPENAI",
    baseUrl: "http://127.0.0.1:9/v1",
    apiKey: "sk-x",
  });
  await createModel({ publicId: "keys-model", providerId: p.id, upstreamId: "m" });
});
afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

async function applyKey(body: Record<string, unknown>): Promise<Applied> {
  const res = await call(apply.POST, { bearer: ADMIN_TOKEN, body });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<Applied>(res);
}

describe("POST /api/admin/api-key/apply", () => {
  it("creates the user and a key holding the balance and quota, and mails the key", async () => {
    const body = await applyKey({
      name: "jack",
      email: "Jack@Example.test",
      balance: "10",
      month_quota: 5,
      models: ["keys-model"],
      role: "user",
    });
    expect(body.key).toMatch(/^tg-[A-Za-z0-9]{40}$/);
    expect(body.created_user).toBe(true);
    expect(body.user.email).toBe("jack@example.test");
    expect(body.api_key).toMatchObject({
      name: "jack",
      prefix: body.key.slice(0, 10),
      role: "USER",
      allowedModels: ["keys-model"],
    });
    expect(body.api_key.limit).toMatchObject({ balance: "10.000000", monthlyQuota: "5.000000" });
    expect(JSON.stringify(body)).not.toMatch(/hash/i);

    const db = await getDb();
    const user = await db.user.findUniqueOrThrow({
      where: { email: "jack@example.test" },
      select: { passwordHash: true },
    });
    expect(user.passwordHash).toBeNull();
    const ledger = await db.transaction.findMany({ where: { limit: { apiKeyId: body.api_key.id } } });
    expect(ledger.map((t) => [t.kind, t.amount, t.balanceAfter])).toEqual([["RECHARGE", 10_000_000n, 10_000_000n]]);
    const audit = await db.auditLog.findMany({
      where: { action: { in: ["user.create", "api_key.create"] }, actorLabel: "ADMIN_API_KEY" },
    });
    expect(audit.map((a) => a.action).sort()).toEqual(["api_key.create", "user.create"]);

    expect(body.mail).toEqual({ sent: true });
    const mail = mails.find((m) => m.to.includes("jack@example.test"));
    expect(mail?.body).toContain(body.key);

    const who = await call(me.GET, { bearer: body.key });
    expect((await json<{ user: { email: string } }>(who)).user.email).toBe("jack@example.test");
  });

  it("gives an existing user another key without touching the account", async () => {
    const existing = await regularUser("existing");
    const body = await applyKey({ name: "second", email: existing.email });
    expect(body.created_user).toBe(false);
    expect(body.user.id).toBe(existing.user.id);
    expect(body.api_key.limit).toBeNull();
  });

  it("refuses an admin key for a user who is not an administrator", async () => {
    const existing = await regularUser("plain");
    const res = await call(apply.POST, {
      bearer: ADMIN_TOKEN,
      body: { name: "x", email: existing.email, role: "admin" },
    });
    await expectValidationError(res, "role");
  });

  it("answers 400 naming the field for bad input", async () => {
    await expectValidationError(
      await call(apply.POST, { bearer: ADMIN_TOKEN, body: { name: "x", email: "nope" } }),
      "email",
    );
    await expectValidationError(
      await call(apply.POST, { bearer: ADMIN_TOKEN, body: { name: "x", email: "a@b.test", balance: "1e3" } }),
      "balance",
    );
    await expectValidationError(
      await call(apply.POST, { bearer: ADMIN_TOKEN, body: { name: "x", email: "a@b.test", expiry: "2001-01-01" } }),
      "expiry",
    );
    await expectValidationError(
      await call(apply.POST, { bearer: ADMIN_TOKEN, body: { name: "x", email: "a@b.test", models: ["nope"] } }),
      "models",
    );
    await expectValidationError(
      await call(apply.POST, { bearer: ADMIN_TOKEN, body: { name: "x", email: "a@b.test", group_id: "missing" } }),
      "group_id",
    );
    const db = await getDb();
    expect(await db.user.findUnique({ where: { email: "a@b.test" } })).toBeNull();
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(apply.POST, { body: { name: "x", email: "x@example.test" } });
  });
});

describe("POST /api/admin/api-key/update", () => {
  it("changes the key and its own limits, with audit rows", async () => {
    const { api_key } = await applyKey({ name: "upd", email: "upd@example.test", balance: 3 });
    const res = await call(update.POST, {
      bearer: ADMIN_TOKEN,
      body: {
        id: api_key.id,
        name: "renamed",
        models: ["keys-model"],
        month_quota: "7.5",
        rpm: 60,
        daily_request_limit: 100,
        balance: "1",
      },
    });
    expect(res.status).toBe(200);
    const body = await json<{ api_key: KeyView }>(res);
    expect(body.api_key).toMatchObject({ name: "renamed", allowedModels: ["keys-model"] });
    expect(body.api_key.limit).toMatchObject({
      balance: "1.000000",
      monthlyQuota: "7.500000",
      rpm: 60,
      dailyRequestLimit: 100,
    });
    const db = await getDb();
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "api_key.update", targetId: api_key.id } });
    expect(audit.before).toMatchObject({ name: "upd" });
    expect(audit.after).toMatchObject({ name: "renamed" });
    expect(await db.auditLog.count({ where: { action: "wallet.update" } })).toBeGreaterThan(0);
    const adjustment = await db.transaction.findFirstOrThrow({
      where: { limit: { apiKeyId: api_key.id }, kind: "ADJUSTMENT" },
    });
    expect(adjustment.amount).toBe(-2_000_000n);
  });

  it("answers 404 for an unknown key and 400 for nothing to change", async () => {
    expect((await call(update.POST, { bearer: ADMIN_TOKEN, body: { id: "nope", name: "x" } })).status).toBe(404);
    await expectValidationError(await call(update.POST, { bearer: ADMIN_TOKEN, body: { id: "x" } }), "body");
    await expectValidationError(await call(update.POST, { bearer: ADMIN_TOKEN, body: { id: "x", rpm: -1 } }), "rpm");
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(update.POST, { body: { id: "x", name: "y" } });
  });
});

describe("POST /api/admin/api-key/recharge", () => {
  it("tops up by plaintext key or id, once per idempotency key", async () => {
    const { key, api_key } = await applyKey({ name: "topup", email: "topup@example.test", balance: "10" });
    const first = await call(recharge.POST, {
      bearer: ADMIN_TOKEN,
      body: { api_key: key, amount: "2.5" },
      headers: { "idempotency-key": "pay-1" },
    });
    expect(first.status).toBe(200);
    expect(await json(first)).toMatchObject({
      api_key_id: api_key.id,
      amount: "2.500000",
      balance: "12.500000",
      replayed: false,
    });
    const again = await call(recharge.POST, {
      bearer: ADMIN_TOKEN,
      body: { api_key: key, amount: "2.5" },
      headers: { "idempotency-key": "pay-1" },
    });
    expect(await json(again)).toMatchObject({ balance: "12.500000", replayed: true });
    const byId = await call(recharge.POST, {
      bearer: ADMIN_TOKEN,
      body: { id: api_key.id, amount: 1, idempotency_key: "pay-2" },
    });
    expect(await json(byId)).toMatchObject({ balance: "13.500000", replayed: false });
    const db = await getDb();
    expect(await db.transaction.count({ where: { limit: { apiKeyId: api_key.id }, kind: "RECHARGE" } })).toBe(3);
    // The same idempotency key on another key is another payment.
    const other = await applyKey({ name: "topup-2", email: "topup2@example.test" });
    const elsewhere = await call(recharge.POST, {
      bearer: ADMIN_TOKEN,
      body: { id: other.api_key.id, amount: "1" },
      headers: { "idempotency-key": "pay-1" },
    });
    expect(await json(elsewhere)).toMatchObject({ api_key_id: other.api_key.id, balance: "1.000000", replayed: false });
  });

  it("answers 404 for an unknown key and 400 for a bad amount or reference", async () => {
    expect(
      (await call(recharge.POST, { bearer: ADMIN_TOKEN, body: { api_key: "tg-unknown", amount: 1 } })).status,
    ).toBe(404);
    expect((await call(recharge.POST, { bearer: ADMIN_TOKEN, body: { id: "unknown", amount: 1 } })).status).toBe(404);
    const { api_key } = await applyKey({ name: "bad", email: "bad-topup@example.test" });
    await expectValidationError(
      await call(recharge.POST, { bearer: ADMIN_TOKEN, body: { id: api_key.id, amount: "1e3" } }),
      "amount",
    );
    await expectValidationError(
      await call(recharge.POST, { bearer: ADMIN_TOKEN, body: { id: api_key.id, amount: -5 } }),
      "amount",
    );
    await expectValidationError(await call(recharge.POST, { bearer: ADMIN_TOKEN, body: { id: api_key.id } }), "amount");
    await expectValidationError(
      await call(recharge.POST, { bearer: ADMIN_TOKEN, body: { id: api_key.id, api_key: "tg-x", amount: 1 } }),
      "id",
    );
    await expectValidationError(
      await call(recharge.POST, {
        bearer: ADMIN_TOKEN,
        body: { id: api_key.id, amount: 1 },
        headers: { "idempotency-key": "k".repeat(201) },
      }),
      "Idempotency-Key",
    );
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(recharge.POST, { body: { id: "x", amount: 1 } });
  });
});

describe("POST /api/admin/api-key/revoke", () => {
  it("revokes the key so it stops authenticating", async () => {
    const { key, api_key } = await applyKey({ name: "gone", email: "gone@example.test" });
    expect((await call(me.GET, { bearer: key })).status).toBe(200);
    const res = await call(revoke.POST, { bearer: ADMIN_TOKEN, body: { id: api_key.id } });
    expect(res.status).toBe(200);
    expect((await json<{ api_key: KeyView }>(res)).api_key.revokedAt).not.toBeNull();
    expect((await call(me.GET, { bearer: key })).status).toBe(401);
    const db = await getDb();
    expect(await db.auditLog.count({ where: { action: "api_key.revoke", targetId: api_key.id } })).toBe(1);
  });

  it("answers 404 for an unknown key and 400 without an id", async () => {
    expect((await call(revoke.POST, { bearer: ADMIN_TOKEN, body: { id: "nope" } })).status).toBe(404);
    await expectValidationError(await call(revoke.POST, { bearer: ADMIN_TOKEN, body: {} }), "id");
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(revoke.POST, { body: { id: "x" } });
  });
});

describe("GET /api/admin/api-key/list", () => {
  it("pages through keys, searches by owner email, presents limits and never a hash", async () => {
    const { api_key } = await applyKey({ name: "listed", email: "listed@example.test", balance: "4" });
    const res = await call(list.GET, {
      bearer: ADMIN_TOKEN,
      path: "/api/admin/api-key/list?q=LISTED@example&limit=10&offset=",
    });
    expect(res.status).toBe(200);
    const body = await json<{ total: number; items: KeyView[] }>(res);
    expect(body.total).toBe(1);
    expect(body.items[0]).toMatchObject({
      id: api_key.id,
      user: { email: "listed@example.test" },
      limit: { balance: "4.000000" },
    });
    expect(JSON.stringify(body)).not.toMatch(/"hash"/);
    const page = await json<{ total: number; items: KeyView[] }>(
      await call(list.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/api-key/list?limit=2&offset=1" }),
    );
    expect(page.items).toHaveLength(2);
    expect(page.total).toBeGreaterThan(3);
  });

  it("answers 400 for a bad limit", async () => {
    await expectValidationError(
      await call(list.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/api-key/list?limit=500" }),
      "limit",
    );
    await expectValidationError(
      await call(list.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/api-key/list?offset=-1" }),
      "offset",
    );
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(list.GET, { path: "/api/admin/api-key/list" });
  });
});

type Payment = {
  id: string;
  amount: string;
  balanceAfter: string;
  note: string;
  wallet: { scope: string; user: { id: string; email: string } | null; apiKey: { id: string; prefix: string } | null };
};

describe("GET /api/admin/payment/list", () => {
  const admin = { userId: null, email: "ADMIN_API_KEY" };
  let carol: Awaited<ReturnType<typeof regularUser>>;
  let dave: Awaited<ReturnType<typeof regularUser>>;
  const page = async (qs: string) =>
    json<{ total: number; items: Payment[] }>(
      await call(payments.GET, { bearer: ADMIN_TOKEN, path: `/api/admin/payment/list?${qs}` }),
    );

  beforeAll(async () => {
    carol = await regularUser("carol");
    dave = await regularUser("dave");
    await rechargeWallet({ target: { apiKeyId: carol.keyId }, amount: 5_000_000n, note: "pm card 1", actor: admin });
    await rechargeWallet({
      target: { userId: carol.user.id },
      amount: 1_250_000n,
      note: "pm wire transfer",
      actor: admin,
    });
    await rechargeWallet({ target: { apiKeyId: dave.keyId }, amount: 7_000_000n, note: "pm card 2", actor: admin });
  });

  it("lists recharges newest first with the wallet's owner and money as decimal strings", async () => {
    const all = await page("limit=200");
    expect(all.total).toBeGreaterThanOrEqual(3);
    expect(all.items[0]).toMatchObject({
      amount: "7.000000",
      balanceAfter: "7.000000",
      note: "pm card 2",
      wallet: { scope: "KEY", user: { email: dave.email }, apiKey: { id: dave.keyId } },
    });
    expect(all.items[1]).toMatchObject({
      amount: "1.250000",
      wallet: { scope: "USER", user: { id: carol.user.id }, apiKey: null },
    });
    expect(all.items.every((p) => /^\d+\.\d{6}$/.test(p.amount))).toBe(true);
  });

  it("filters by key, by user (their wallet and their keys') and searches", async () => {
    expect((await page(`key_id=${carol.keyId}`)).items.map((p) => p.amount)).toEqual(["5.000000"]);
    expect((await page(`user_id=${carol.user.id}`)).items.map((p) => p.amount)).toEqual(["1.250000", "5.000000"]);
    expect((await page("q=wire")).items.map((p) => p.note)).toEqual(["pm wire transfer"]);
    expect((await page(`q=${encodeURIComponent(dave.email)}`)).total).toBe(1);
    expect((await page("q=pm&limit=1&offset=2")).items.map((p) => p.note)).toEqual(["pm card 1"]);
  });

  it("answers 400 for bad paging", async () => {
    await expectValidationError(
      await call(payments.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/payment/list?limit=1000" }),
      "limit",
    );
    await expectValidationError(
      await call(payments.GET, { bearer: ADMIN_TOKEN, path: `/api/admin/payment/list?key_id=${"k".repeat(65)}` }),
      "key_id",
    );
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(payments.GET, { path: "/api/admin/payment/list" });
  });
});
