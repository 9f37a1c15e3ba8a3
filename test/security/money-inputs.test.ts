// Issue 8 item 9: every admin input that sets money — recharges, balances, monthly quotas (user,
// group, key, new keys, default limits) and model prices — refuses negative, zero (where zero makes
// no sense), NaN, Infinity, 1e30, strings, other types and more decimals than the 6 stored, with a
// 400 and nothing written: no ledger row, no audit row, no limit or price changed.
import { beforeAll, describe, expect, it } from "vitest";
import * as keyApply from "@/app/api/admin/api-key/apply/route";
import * as recharge from "@/app/api/admin/api-key/recharge/route";
import * as keyUpdate from "@/app/api/admin/api-key/update/route";
import * as settings from "@/app/api/admin/config/route";
import * as groupCreate from "@/app/api/admin/group/create/route";
import * as groupUpdate from "@/app/api/admin/group/update/route";
import * as modelCreate from "@/app/api/admin/model/create/route";
import * as modelUpdate from "@/app/api/admin/model/update/route";
import * as userUpdate from "@/app/api/admin/user/update/route";
import { getDb } from "@/lib/db/client";
import { createModel, createProvider } from "@/lib/providers/admin";
import { regularUser } from "../helpers/admin";
import { ADMIN_TOKEN, call, startApp } from "../helpers/app";

type Route = (req: Request, ctx: { params: Promise<Record<string, never>> }) => Promise<Response>;

/** Values no money field accepts, as JSON text (NaN and 1e999 cannot be written by JSON.stringify). */
const badAmounts: string[] = [
  "-1",
  '"-0.01"',
  '"NaN"',
  "NaN",
  '"Infinity"',
  "1e999",
  '"-Infinity"',
  "1e30",
  '"1e30"',
  '"1000000000000"',
  "1e-7",
  '"ten"',
  '"10 USD"',
  '"0x10"',
  '"1_000"',
  '""',
  '" "',
  '"0.1234567"',
  "0.1234567",
  "true",
  "[]",
  '{"amount": 1}',
];
const badPrices = [...badAmounts, "1", "0.5", '"-0.1"'];

let ids = { keyId: "", userId: "", groupId: "", modelId: "", providerId: "" };

beforeAll(async () => {
  await startApp();
  const u = await regularUser("money");
  const provider = await createProvider({
    name: "money-provider",
    kind: "OPENAI_COMPATIBLE",
    baseUrl: "http://127.0.0.1:9/v1",
  });
  const model = await createModel({
    publicId: "money-model",
    providerId: provider.id,
    upstreamId: "m",
    inputPrice: "1",
    outputPrice: "2",
  });
  const db = await getDb();
  const group = await db.group.create({ data: { name: "money-group" } });
  ids = { keyId: u.keyId, userId: u.user.id, groupId: group.id, modelId: model.id, providerId: provider.id };
});

/** Everything a money input could change. */
async function snapshot() {
  const db = await getDb();
  const [transactions, audit, limits, models, keys, users, groups, settingsRows] = await Promise.all([
    db.transaction.count(),
    db.auditLog.count(),
    db.limit.findMany({ orderBy: { id: "asc" } }),
    db.model.findMany({ orderBy: { id: "asc" } }),
    db.apiKey.count(),
    db.user.count(),
    db.group.count(),
    db.setting.findMany({ orderBy: { key: "asc" } }),
  ]);
  return JSON.stringify({ transactions, audit, limits, models, keys, users, groups, settingsRows }, (_, v) =>
    typeof v === "bigint" ? v.toString() : v,
  );
}

async function expectRefused(route: Route, field: string, value: string, body: (value: string) => string) {
  const res = await call(route, {
    bearer: ADMIN_TOKEN,
    rawBody: body(value),
    headers: { "content-type": "application/json" },
  });
  const text = await res.text();
  expect(res.status, `${field} = ${value}: ${text}`).toBe(400);
  expect(text).not.toMatch(/\n\s+at |Prisma|internal_error/);
}

const cases: Array<{
  name: string;
  route: () => Route;
  field: string;
  body: (v: string) => string;
  values?: string[];
}> = [
  {
    name: "recharge amount",
    route: () => recharge.POST,
    field: "amount",
    body: (v) => `{"id":"${ids.keyId}","amount":${v}}`,
    values: [...badAmounts, "0", '"0"', '"0.000000"'],
  },
  {
    name: "recharge balance alias",
    route: () => recharge.POST,
    field: "balance",
    body: (v) => `{"id":"${ids.keyId}","balance":${v}}`,
    values: [...badAmounts, "0"],
  },
  {
    name: "user balance",
    route: () => userUpdate.POST,
    field: "balance",
    body: (v) => `{"id":"${ids.userId}","balance":${v}}`,
  },
  {
    name: "user monthly quota",
    route: () => userUpdate.POST,
    field: "month_quota",
    body: (v) => `{"id":"${ids.userId}","month_quota":${v}}`,
  },
  {
    name: "user token allowance",
    route: () => userUpdate.POST,
    field: "token_allowance",
    body: (v) => `{"id":"${ids.userId}","token_allowance":${v}}`,
    values: [...badAmounts.filter((v) => v !== '"1000000000000"'), "1.5", '"1.5"', '"1234567890123456"'],
  },
  {
    name: "key balance",
    route: () => keyUpdate.POST,
    field: "balance",
    body: (v) => `{"id":"${ids.keyId}","balance":${v}}`,
  },
  {
    name: "key monthly quota",
    route: () => keyUpdate.POST,
    field: "month_quota",
    body: (v) => `{"id":"${ids.keyId}","month_quota":${v}}`,
  },
  {
    name: "new key balance",
    route: () => keyApply.POST,
    field: "balance",
    body: (v) => `{"name":"k","email":"new-money@example.test","balance":${v}}`,
  },
  {
    name: "group balance (create)",
    route: () => groupCreate.POST,
    field: "balance",
    body: (v) => `{"name":"g-new","balance":${v}}`,
  },
  {
    name: "group monthly quota",
    route: () => groupUpdate.POST,
    field: "month_quota",
    body: (v) => `{"id":"${ids.groupId}","month_quota":${v}}`,
  },
  {
    name: "default user balance",
    route: () => settings.POST,
    field: "defaultUserLimits.balance",
    body: (v) => `{"defaultUserLimits":{"balance":${v}}}`,
  },
  {
    name: "default monthly quota",
    route: () => settings.POST,
    field: "defaultUserLimits.monthlyQuota",
    body: (v) => `{"defaultUserLimits":{"monthlyQuota":${v}}}`,
  },
  {
    name: "model input price (update)",
    route: () => modelUpdate.POST,
    field: "inputPrice",
    body: (v) => `{"id":"${ids.modelId}","inputPrice":${v}}`,
    values: badPrices,
  },
  {
    name: "model cached price (update)",
    route: () => modelUpdate.POST,
    field: "cachedInputPrice",
    body: (v) => `{"id":"${ids.modelId}","cachedInputPrice":${v}}`,
    values: badPrices,
  },
  {
    name: "model output price (create)",
    route: () => modelCreate.POST,
    field: "outputPrice",
    body: (v) => `{"publicId":"new-money-model","providerId":"${ids.providerId}","upstreamId":"m","outputPrice":${v}}`,
    values: badPrices,
  },
];

describe("money inputs", () => {
  for (const c of cases) {
    it(`refuses bad values for the ${c.name} with 400 and writes nothing`, async () => {
      const before = await snapshot();
      for (const value of c.values ?? badAmounts) await expectRefused(c.route(), c.field, value, c.body);
      expect(await snapshot()).toBe(before);
    });
  }

  it("still accepts exact values with 6 decimals (the checks are not simply closed)", async () => {
    const ok = await call(recharge.POST, { bearer: ADMIN_TOKEN, body: { id: ids.keyId, amount: "0.000001" } });
    expect(ok.status, await ok.clone().text()).toBe(200);
    const db = await getDb();
    const wallet = await db.limit.findUniqueOrThrow({ where: { apiKeyId: ids.keyId } });
    expect(wallet.balance).toBe(1n);
    const zero = await call(userUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: ids.userId, balance: 0 } });
    expect(zero.status).toBe(200);
  });
});
