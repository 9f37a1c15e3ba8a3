import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as importKeys from "@/app/api/admin/api-key/import/route";
import * as importUsers from "@/app/api/admin/user/import/route";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { expectAdminOnly } from "../helpers/admin";
import { ADMIN_TOKEN, call, json, startApp } from "../helpers/app";
import { sdk, seedProviders } from "../helpers/gateway";

// Keys and people from the systems Tollgate replaces, brought over by an admin: stored hashed,
// usable at once, idempotent, all-or-nothing, with a per-row error for a bad row.
const up = await startFakeUpstream();
beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
afterAll(() => up.close());

const brKey = () => `br_${randomBytes(24).toString("hex")}`;
let seq = 0;
const email = (name: string) => `${name}-${++seq}@import.test`;

type KeyResult = {
  dry_run: boolean;
  created: number;
  unchanged: number;
  users_created: number;
  rows: Array<{ row: number; prefix: string; action: string; created_user: boolean }>;
};
type ErrorBody = {
  error: {
    code: string;
    message: string;
    field?: string;
    rows?: Array<{ row: number; field?: string; message: string }>;
  };
};

const postKeys = (body: unknown) => call(importKeys.POST, { bearer: ADMIN_TOKEN, body });
const postUsers = (body: unknown) => call(importUsers.POST, { bearer: ADMIN_TOKEN, body });

async function walletOfKey(key: string) {
  const db = await getDb();
  const { createHash } = await import("node:crypto");
  const row = await db.apiKey.findUniqueOrThrow({
    where: { hash: createHash("sha256").update(key).digest("hex") },
    select: { prefix: true, limit: { select: { id: true, balance: true, monthlyQuota: true } } },
  });
  const ledger = await db.transaction.findMany({
    where: { limitId: row.limit!.id },
    select: { kind: true, amount: true },
  });
  return { ...row, ledger };
}

describe("POST /api/admin/api-key/import", () => {
  it("is for administrators only", async () => {
    await expectAdminOnly(importKeys.POST, { body: { rows: [{ key: brKey(), email: email("x") }] } });
  });

  it("imports br_ keys from CSV, hashed, and they work at once on /v1; a second run changes nothing", async () => {
    const [k1, k2] = [brKey(), brKey()];
    const owner = email("owner");
    const csv = `\uFEFFapi_key,email,name,balance,quota\r\n${k1},${owner},"Team, A",12.5,100\r\n${k2},${owner},,,\r\n`;
    const preview = await postKeys({ csv, dry_run: true });
    expect(preview.status).toBe(200);
    expect(await json<KeyResult>(preview)).toMatchObject({ dry_run: true, created: 2, users_created: 1 });
    const db = await getDb();
    expect(await db.user.findUnique({ where: { email: owner } })).toBeNull();

    const first = await json<KeyResult>(await postKeys({ csv }));
    expect(first).toMatchObject({ dry_run: false, created: 2, unchanged: 0, users_created: 1 });
    expect(first.rows.map((r) => [r.row, r.prefix, r.action])).toEqual([
      [2, k1.slice(0, 10), "create"],
      [3, k2.slice(0, 10), "create"],
    ]);
    const wallet = await walletOfKey(k1);
    expect(wallet.limit).toMatchObject({ balance: 12_500_000n, monthlyQuota: 100_000_000n });
    expect(wallet.ledger).toEqual([{ kind: "RECHARGE", amount: 12_500_000n }]);
    // Nothing but the hash and the prefix is stored.
    const stored = JSON.stringify(await db.apiKey.findMany({ where: { user: { email: owner } } }));
    expect(stored).not.toContain(k1.slice(10));

    const reply = await sdk(k1).chat.completions.create({
      model: "gpt-fake",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(reply.choices[0].message.content).toBe("tok0 tok1 tok2 tok3 tok4 ");
    await flushRecords();

    const again = await json<KeyResult>(await postKeys({ csv }));
    expect(again).toMatchObject({ created: 0, unchanged: 2, users_created: 0 });
    const after = await walletOfKey(k1);
    expect(after.ledger.filter((t) => t.kind === "RECHARGE")).toHaveLength(1);
    expect(after.limit!.balance).toBeLessThan(12_500_000n); // spent, never re-credited
  });

  it("takes JSON rows too", async () => {
    const key = brKey();
    const res = await postKeys({ rows: [{ key, email: email("json"), balance: "1" }] });
    expect(await json<KeyResult>(res)).toMatchObject({ created: 1 });
    await expect(sdk(key).models.list()).resolves.toBeTruthy();
  });

  it("refuses the whole file with a per-row error and writes nothing", async () => {
    const good = brKey();
    const goodOwner = email("good");
    const csv = `key,email,balance\n${good},${goodOwner},5\nshort_key,${email("b")},1\n${brKey()},not-an-email,1\n${brKey()},${email("c")},lots\n${good},${goodOwner},5\n`;
    const res = await postKeys({ csv });
    const body = await json<ErrorBody>(res);
    expect(res.status).toBe(400);
    expect(body.error.code).toBe("validation_error");
    expect(body.error.message).toMatch(
      /^4 row\(s\) are invalid, nothing was imported: row 3: key must be 32 to 256 characters/,
    );
    expect(body.error.rows!.map((r) => [r.row, r.field])).toEqual([
      [3, "key"],
      [4, "email"],
      [5, "balance"],
      [6, "key"],
    ]);
    expect(body.error.rows![3].message).toBe("key is the same as on row 2");
    const db = await getDb();
    expect(await db.user.findUnique({ where: { email: goodOwner } })).toBeNull();
  });

  it("refuses a key already imported for someone else, without writing the other rows", async () => {
    const key = brKey();
    await postKeys({ rows: [{ key, email: email("first") }] });
    const fresh = email("fresh");
    const res = await postKeys({
      rows: [
        { key: brKey(), email: fresh },
        { key, email: email("second") },
      ],
    });
    expect(res.status).toBe(400);
    expect((await json<ErrorBody>(res)).error.rows).toEqual([
      { row: 2, field: "key", message: expect.stringMatching(/already imported for another user/) },
    ]);
    const db = await getDb();
    expect(await db.user.findUnique({ where: { email: fresh } })).toBeNull();
  });

  it("answers bad bodies with a 400 naming the problem", async () => {
    expect((await postKeys({})).status).toBe(400);
    expect((await postKeys({ csv: "key,email\n" })).status).toBe(400);
    const unclosed = await json<ErrorBody>(await postKeys({ csv: `key,email\n"${brKey()},a@b.test\n` }));
    expect(unclosed.error.message).toMatch(/never closed/);
    const unknown = await json<ErrorBody>(await postKeys({ csv: `key,email,colour\n${brKey()},${email("u")},red\n` }));
    expect(unknown.error.rows![0].message).toBe("unknown column 'colour'");
  });
});

type UserResult = {
  dry_run: boolean;
  created: number;
  updated: number;
  unchanged: number;
  groups_created: string[];
  rows: Array<{
    row: number;
    email: string;
    action: string;
    changes: Record<string, { from: unknown; to: unknown }>;
    note?: string;
  }>;
};

describe("POST /api/admin/user/import", () => {
  it("is for administrators only", async () => {
    await expectAdminOnly(importUsers.POST, { body: { rows: [{ email: email("x") }] } });
  });

  it("previews, creates, then updates only what changed", async () => {
    const [a, b] = [email("ann"), email("bob")];
    const csv = `email,name,group,balance,month_quota,daily_request_limit,rpm\n${a},Ann,Research,3,50,1000,30\n${b},Bob,,,,,\n`;
    const preview = await json<UserResult>(await postUsers({ csv, dry_run: true }));
    expect(preview).toMatchObject({ dry_run: true, created: 2, groups_created: ["Research"] });
    expect(preview.rows[0].changes).toMatchObject({
      group: { from: null, to: "Research" },
      balance: { to: "3.000000" },
      rpm: { to: 30 },
    });
    const db = await getDb();
    expect(await db.user.count({ where: { email: { in: [a, b] } } })).toBe(0);
    expect(await db.group.findUnique({ where: { name: "Research" } })).toBeNull();

    const done = await json<UserResult>(await postUsers({ csv }));
    expect(done).toMatchObject({ created: 2, updated: 0, groups_created: ["Research"] });
    const ann = await db.user.findUniqueOrThrow({
      where: { email: a },
      select: {
        name: true,
        group: { select: { name: true } },
        limit: { select: { id: true, balance: true, monthlyQuota: true, dailyRequestLimit: true, rpm: true } },
      },
    });
    expect(ann).toMatchObject({
      name: "Ann",
      group: { name: "Research" },
      limit: { balance: 3_000_000n, monthlyQuota: 50_000_000n, dailyRequestLimit: 1000, rpm: 30 },
    });
    expect(await db.transaction.count({ where: { limitId: ann.limit!.id, kind: "RECHARGE" } })).toBe(1);

    expect(await json<UserResult>(await postUsers({ csv }))).toMatchObject({ created: 0, updated: 0, unchanged: 2 });

    const changed = `email,name,rpm,balance\n${a},Ann Lee,60,99\n`;
    const plan = await json<UserResult>(await postUsers({ csv: changed, dry_run: true }));
    expect(plan.rows[0]).toMatchObject({
      action: "update",
      changes: { name: { from: "Ann", to: "Ann Lee" }, rpm: { from: 30, to: 60 } },
      note: expect.stringMatching(/balance kept/),
    });
    await postUsers({ csv: changed });
    const after = await db.user.findUniqueOrThrow({
      where: { email: a },
      select: { name: true, limit: { select: { balance: true, rpm: true, dailyRequestLimit: true } } },
    });
    expect(after).toEqual({ name: "Ann Lee", limit: { balance: 3_000_000n, rpm: 60, dailyRequestLimit: 1000 } });
  });

  it("refuses a file with a bad row, writing nothing", async () => {
    const ok = email("ok");
    const res = await postUsers({ csv: `email,rpm\n${ok},10\n${email("bad")},-1\n${ok},5\n` });
    const body = await json<ErrorBody>(res);
    expect(res.status).toBe(400);
    expect(body.error.rows!.map((r) => [r.row, r.field])).toEqual([
      [3, "rpm"],
      [4, "email"],
    ]);
    const db = await getDb();
    expect(await db.user.findUnique({ where: { email: ok } })).toBeNull();
  });
});
