import { beforeAll, describe, expect, it } from "vitest";
import * as groupCreate from "@/app/api/admin/group/create/route";
import * as groupDelete from "@/app/api/admin/group/delete/route";
import * as groupList from "@/app/api/admin/group/list/route";
import * as groupUpdate from "@/app/api/admin/group/update/route";
import * as create from "@/app/api/admin/user/create/route";
import * as remove from "@/app/api/admin/user/delete/route";
import * as detail from "@/app/api/admin/user/detail/[id]/route";
import * as list from "@/app/api/admin/user/list/route";
import * as update from "@/app/api/admin/user/update/route";
import * as login from "@/app/api/auth/login/route";
import * as me from "@/app/api/auth/me/route";
import { getDb } from "@/lib/db/client";
import { expectAdminOnly, expectValidationError, regularUser } from "../helpers/admin";
import { ADMIN_EMAIL, ADMIN_TOKEN, call, cookieFor, json, startApp } from "../helpers/app";

type UserView = {
  id: string;
  email: string;
  name: string;
  role: string;
  status: string;
  groupId: string | null;
  keyCount: number;
  limit: Record<string, unknown> | null;
};
type Group = {
  id: string;
  name: string;
  description: string;
  userCount: number;
  limit: Record<string, unknown> | null;
};
type Detail = { user: UserView; keys: Array<{ id: string; prefix: string; limit: unknown }> };

let adminId = "";
beforeAll(async () => {
  await startApp();
  const db = await getDb();
  adminId = (await db.user.findUniqueOrThrow({ where: { email: ADMIN_EMAIL } })).id;
});

const createUser = async (body: Record<string, unknown>) => {
  const res = await call(create.POST, { bearer: ADMIN_TOKEN, body });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<Detail>(res);
};

describe("POST /api/admin/user/create", () => {
  it("creates an account that can sign in, with an audit row and no password hash in the answer", async () => {
    const body = await createUser({
      email: "Erin@Example.test",
      password: "erin-password",
      name: "Erin",
      role: "admin",
    });
    expect(body.user).toMatchObject({ email: "erin@example.test", name: "Erin", role: "ADMIN", status: "ACTIVE" });
    expect(JSON.stringify(body)).not.toMatch(/passwordHash|scrypt/);
    expect((await call(login.POST, { body: { email: "erin@example.test", password: "erin-password" } })).status).toBe(
      200,
    );
    const db = await getDb();
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "user.create", targetId: body.user.id } });
    expect(audit.after).toMatchObject({ email: "erin@example.test", hasPassword: true });
    expect(JSON.stringify(audit.after)).not.toContain("erin-password");
  });

  it("answers 409 for a taken email and 400 naming the field", async () => {
    await createUser({ email: "taken@example.test" });
    expect((await call(create.POST, { bearer: ADMIN_TOKEN, body: { email: "TAKEN@example.test" } })).status).toBe(409);
    await expectValidationError(await call(create.POST, { bearer: ADMIN_TOKEN, body: { email: "nope" } }), "email");
    await expectValidationError(
      await call(create.POST, { bearer: ADMIN_TOKEN, body: { email: "p@example.test", password: "short" } }),
      "password",
    );
    await expectValidationError(
      await call(create.POST, { bearer: ADMIN_TOKEN, body: { email: "g@example.test", group_id: "missing" } }),
      "group_id",
    );
    await expectValidationError(
      await call(create.POST, { bearer: ADMIN_TOKEN, body: { email: "r@example.test", role: "root" } }),
      "role",
    );
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(create.POST, { body: { email: "x@example.test" } });
  });
});

describe("GET /api/admin/user/list", () => {
  it("searches and filters accounts", async () => {
    await createUser({ email: "frank@example.test", name: "Frank Zappa" });
    const byName = await json<{ total: number; items: UserView[] }>(
      await call(list.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/user/list?q=zappa" }),
    );
    expect(byName.items.map((u) => u.email)).toEqual(["frank@example.test"]);
    expect(byName.items[0].limit).not.toBeNull();
    const admins = await json<{ total: number; items: UserView[] }>(
      await call(list.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/user/list?role=admin&limit=200" }),
    );
    expect(admins.items.every((u) => u.role === "ADMIN")).toBe(true);
    expect(admins.items.map((u) => u.email)).toContain(ADMIN_EMAIL);
    expect(JSON.stringify(admins)).not.toContain("passwordHash");
  });

  it("answers 400 for a bad filter and is for administrators only", async () => {
    await expectValidationError(
      await call(list.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/user/list?status=gone" }),
      "status",
    );
    await expectAdminOnly(list.GET, { path: "/api/admin/user/list" });
  });
});

describe("GET /api/admin/user/detail/{id}", () => {
  it("shows the account with its limits and keys, never a hash", async () => {
    const u = await regularUser("detail");
    const body = await json<Detail>(await call(detail.GET, { bearer: ADMIN_TOKEN, params: { id: u.user.id } }));
    expect(body.user).toMatchObject({ id: u.user.id, keyCount: 1, limit: { scope: "USER" } });
    expect(body.keys).toEqual([expect.objectContaining({ id: u.keyId, prefix: u.key.slice(0, 10) })]);
    expect(JSON.stringify(body)).not.toMatch(/"hash"|passwordHash/);
  });

  it("answers 404 for an unknown id, 400 for a malformed one, and is for administrators only", async () => {
    expect((await call(detail.GET, { bearer: ADMIN_TOKEN, params: { id: "nope" } })).status).toBe(404);
    await expectValidationError(await call(detail.GET, { bearer: ADMIN_TOKEN, params: { id: "x".repeat(65) } }), "id");
    await expectAdminOnly(detail.GET, { params: { id: adminId } });
  });
});

describe("POST /api/admin/user/update", () => {
  it("sets limits, balance, token allowance and grant through the ledger", async () => {
    const u = await regularUser("limits");
    const res = await call(update.POST, {
      bearer: ADMIN_TOKEN,
      body: {
        id: u.user.id,
        name: "Limited",
        balance: "5.5",
        month_quota: 20,
        token_allowance: 1000,
        grant_amount: "500",
        grant_period_seconds: 3600,
        daily_request_limit: 50,
        rpm: 10,
        tpm: 5000,
      },
    });
    expect(res.status).toBe(200);
    const body = await json<Detail>(res);
    expect(body.user.name).toBe("Limited");
    expect(body.user.limit).toMatchObject({
      balance: "5.500000",
      monthlyQuota: "20.000000",
      tokenAllowance: "1000",
      grantAmount: "500",
      grantPeriodSeconds: 3600,
      dailyRequestLimit: 50,
      rpm: 10,
      tpm: 5000,
    });
    const db = await getDb();
    const rows = await db.transaction.findMany({
      where: { limit: { userId: u.user.id }, kind: "ADJUSTMENT" },
      orderBy: { unit: "asc" },
    });
    expect(rows.map((t) => [t.unit, t.balanceAfter])).toEqual([
      ["MONEY", 5_500_000n],
      ["TOKENS", 1000n],
    ]);
    expect(await db.auditLog.count({ where: { action: "user.update", targetId: u.user.id } })).toBe(1);
  });

  it("disables an account so its session and keys stop working at once", async () => {
    const u = await regularUser("disabled");
    expect((await call(me.GET, { bearer: u.key })).status).toBe(200);
    await call(update.POST, { bearer: ADMIN_TOKEN, body: { id: u.user.id, status: "disabled" } });
    expect((await call(me.GET, { bearer: u.key })).status).toBe(401);
    expect((await call(me.GET, { cookie: u.cookie })).status).toBe(401);
    await call(update.POST, { bearer: ADMIN_TOKEN, body: { id: u.user.id, status: "ACTIVE" } });
    expect((await call(me.GET, { bearer: u.key })).status).toBe(200);
  });

  it("sets a password and moves the account to a group", async () => {
    const db = await getDb();
    const group = await db.group.create({ data: { name: "update-team" } });
    const u = await regularUser("pw");
    const body = await json<Detail>(
      await call(update.POST, {
        bearer: ADMIN_TOKEN,
        body: { id: u.user.id, password: "brand-new-password", group_id: group.id },
      }),
    );
    expect(body.user.groupId).toBe(group.id);
    expect((await call(login.POST, { body: { email: u.email, password: "brand-new-password" } })).status).toBe(200);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "user.update", targetId: u.user.id } });
    expect(audit.after).toMatchObject({ passwordChanged: true, groupId: group.id });
  });

  it("refuses to demote or disable the last active administrator", async () => {
    const db = await getDb();
    await db.user.updateMany({ where: { role: "ADMIN", id: { not: adminId } }, data: { role: "USER" } });
    expect((await call(update.POST, { bearer: ADMIN_TOKEN, body: { id: adminId, role: "USER" } })).status).toBe(409);
    expect((await call(update.POST, { bearer: ADMIN_TOKEN, body: { id: adminId, status: "DISABLED" } })).status).toBe(
      409,
    );
    expect((await db.user.findUniqueOrThrow({ where: { id: adminId } })).role).toBe("ADMIN");
  });

  it("answers 404 for an unknown id and 400 naming the field", async () => {
    expect((await call(update.POST, { bearer: ADMIN_TOKEN, body: { id: "nope", name: "x" } })).status).toBe(404);
    await expectValidationError(await call(update.POST, { bearer: ADMIN_TOKEN, body: { id: adminId } }), "body");
    await expectValidationError(
      await call(update.POST, { bearer: ADMIN_TOKEN, body: { id: adminId, status: "gone" } }),
      "status",
    );
    await expectValidationError(
      await call(update.POST, { bearer: ADMIN_TOKEN, body: { id: adminId, balance: "1.0000001" } }),
      "balance",
    );
    await expectValidationError(
      await call(update.POST, { bearer: ADMIN_TOKEN, body: { id: adminId, grant_period_seconds: 0 } }),
      "grant_period_seconds",
    );
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(update.POST, { body: { id: adminId, name: "x" } });
  });
});

describe("POST /api/admin/user/delete", () => {
  it("deletes the account and its keys stop working", async () => {
    const u = await regularUser("doomed");
    expect((await call(me.GET, { bearer: u.key })).status).toBe(200);
    const res = await call(remove.POST, { bearer: ADMIN_TOKEN, body: { id: u.user.id } });
    expect(await json(res)).toEqual({ deleted: true, id: u.user.id });
    expect((await call(me.GET, { bearer: u.key })).status).toBe(401);
    const db = await getDb();
    expect(await db.auditLog.findFirst({ where: { action: "user.delete", targetId: u.user.id } })).toMatchObject({
      before: { email: u.email },
    });
  });

  it("refuses to delete yourself or the last administrator", async () => {
    const self = await call(remove.POST, { cookie: await cookieFor(ADMIN_EMAIL), body: { id: adminId } });
    expect(self.status).toBe(409);
    const db = await getDb();
    await db.user.updateMany({ where: { role: "ADMIN", id: { not: adminId } }, data: { role: "USER" } });
    expect((await call(remove.POST, { bearer: ADMIN_TOKEN, body: { id: adminId } })).status).toBe(409);
    expect(await db.user.findUnique({ where: { id: adminId } })).not.toBeNull();
  });

  it("answers 404 for an unknown id, 400 without one, and is for administrators only", async () => {
    expect((await call(remove.POST, { bearer: ADMIN_TOKEN, body: { id: "nope" } })).status).toBe(404);
    await expectValidationError(await call(remove.POST, { bearer: ADMIN_TOKEN, body: { id: 5 } }), "id");
    await expectAdminOnly(remove.POST, { body: { id: adminId } });
  });
});

async function createGroupViaApi(body: Record<string, unknown>): Promise<Group> {
  const res = await call(groupCreate.POST, { bearer: ADMIN_TOKEN, body });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json<{ group: Group }>(res)).group;
}

describe("POST /api/admin/group/create", () => {
  it("creates a group with shared limits and an audit row", async () => {
    const group = await createGroupViaApi({
      name: "acme",
      description: "Acme Corp",
      balance: "100",
      month_quota: "50",
      rpm: 120,
    });
    expect(group).toMatchObject({
      name: "acme",
      description: "Acme Corp",
      userCount: 0,
      limit: { scope: "GROUP", balance: "100.000000", monthlyQuota: "50.000000", rpm: 120 },
    });
    const db = await getDb();
    expect(await db.auditLog.count({ where: { action: "group.create", targetId: group.id } })).toBe(1);
    expect(await db.transaction.count({ where: { limit: { groupId: group.id }, kind: "ADJUSTMENT" } })).toBe(1);
  });

  it("answers 409 for a taken name and 400 naming the field", async () => {
    await createGroupViaApi({ name: "dup-group" });
    expect((await call(groupCreate.POST, { bearer: ADMIN_TOKEN, body: { name: "dup-group" } })).status).toBe(409);
    await expectValidationError(await call(groupCreate.POST, { bearer: ADMIN_TOKEN, body: { name: "" } }), "name");
    await expectValidationError(
      await call(groupCreate.POST, { bearer: ADMIN_TOKEN, body: { name: "x", tpm: 1.5 } }),
      "tpm",
    );
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(groupCreate.POST, { body: { name: "nope" } });
  });
});

describe("GET /api/admin/group/list", () => {
  it("lists groups by name with member counts", async () => {
    const group = await createGroupViaApi({ name: "listed-team", description: "searchable description" });
    const member = await regularUser("member");
    const db = await getDb();
    await db.user.update({ where: { id: member.user.id }, data: { groupId: group.id } });
    const body = await json<{ total: number; items: Group[] }>(
      await call(groupList.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/group/list?q=SEARCHABLE" }),
    );
    expect(body).toMatchObject({ total: 1, items: [{ id: group.id, userCount: 1, limit: null }] });
    const paged = await json<{ total: number; items: Group[] }>(
      await call(groupList.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/group/list?limit=1" }),
    );
    expect(paged.items).toHaveLength(1);
    expect(paged.total).toBeGreaterThan(1);
  });

  it("answers 400 for bad paging and is for administrators only", async () => {
    await expectValidationError(
      await call(groupList.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/group/list?offset=x" }),
      "offset",
    );
    await expectAdminOnly(groupList.GET, { path: "/api/admin/group/list" });
  });
});

describe("POST /api/admin/group/update", () => {
  it("renames a group and changes its limits", async () => {
    const group = await createGroupViaApi({ name: "old-name" });
    const res = await call(groupUpdate.POST, {
      bearer: ADMIN_TOKEN,
      body: { id: group.id, name: "new-name", daily_request_limit: 1000, balance: null },
    });
    expect(res.status).toBe(200);
    expect((await json<{ group: Group }>(res)).group).toMatchObject({
      name: "new-name",
      limit: { dailyRequestLimit: 1000, balance: null },
    });
    const db = await getDb();
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "group.update", targetId: group.id } });
    expect(audit).toMatchObject({ before: { name: "old-name" }, after: { name: "new-name" } });
  });

  it("answers 404 for an unknown group, 409 for a taken name, 400 naming the field", async () => {
    expect((await call(groupUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: "nope", name: "x" } })).status).toBe(404);
    expect((await call(groupUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: "nope", rpm: 5 } })).status).toBe(404);
    const a = await createGroupViaApi({ name: "name-a" });
    await createGroupViaApi({ name: "name-b" });
    expect((await call(groupUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: a.id, name: "name-b" } })).status).toBe(
      409,
    );
    await expectValidationError(await call(groupUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: a.id } }), "body");
    await expectValidationError(
      await call(groupUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: a.id, month_quota: "ten" } }),
      "month_quota",
    );
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(groupUpdate.POST, { body: { id: "x", name: "y" } });
  });
});

describe("POST /api/admin/group/delete", () => {
  it("deletes the group; members stay without one", async () => {
    const group = await createGroupViaApi({ name: "short-lived", balance: "1" });
    const member = await regularUser("leaver");
    const db = await getDb();
    await db.user.update({ where: { id: member.user.id }, data: { groupId: group.id } });
    expect(await json(await call(groupDelete.POST, { bearer: ADMIN_TOKEN, body: { id: group.id } }))).toEqual({
      deleted: true,
      id: group.id,
    });
    expect((await db.user.findUniqueOrThrow({ where: { id: member.user.id } })).groupId).toBeNull();
    expect(await db.limit.count({ where: { groupId: group.id } })).toBe(0);
    expect(await db.auditLog.count({ where: { action: "group.delete", targetId: group.id } })).toBe(1);
  });

  it("answers 404 for an unknown group, 400 without an id, and is for administrators only", async () => {
    expect((await call(groupDelete.POST, { bearer: ADMIN_TOKEN, body: { id: "nope" } })).status).toBe(404);
    await expectValidationError(await call(groupDelete.POST, { bearer: ADMIN_TOKEN, body: {} }), "id");
    await expectAdminOnly(groupDelete.POST, { body: { id: "x" } });
  });
});
