import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as exportCsv from "@/app/api/admin/usage/export/route";
import * as usage from "@/app/api/admin/usage/route";
import * as summary from "@/app/api/admin/usage/summary/route";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { createModel, createProvider } from "@/lib/providers/admin";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { expectAdminOnly, expectValidationError, regularUser } from "../helpers/admin";
import { ADMIN_EMAIL, ADMIN_TOKEN, call, cookieFor, json, startApp } from "../helpers/app";

type Row = {
  key: string;
  label: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cost: string;
  avgCostPerRequest: string;
};
type Report = { from: string; to: string; group_by: string; rows: Row[]; totals: Omit<Row, "key" | "label"> };

const up = await startFakeUpstream();
let u1: Awaited<ReturnType<typeof regularUser>>;
let u2: Awaited<ReturnType<typeof regularUser>>;
let groupId = "";

beforeAll(async () => {
  await startApp();
  const db = await getDb();
  u1 = await regularUser("usage-one");
  u2 = await regularUser("usage-two");
  groupId = (await db.group.create({ data: { name: "=evil,group" } })).id;
  const day = (d: string) => new Date(`${d}T00:00:00Z`);
  await db.usageDaily.createMany({
    data: [
      {
        day: day("2026-01-30"),
        userId: u1.user.id,
        groupId,
        apiKeyId: u1.keyId,
        model: "m-a",
        requests: 2,
        promptTokens: 100n,
        completionTokens: 50n,
        cost: 1_000_000n,
      },
      {
        day: day("2026-01-31"),
        userId: u1.user.id,
        groupId,
        apiKeyId: "",
        model: "m-b",
        requests: 1,
        promptTokens: 10n,
        completionTokens: 5n,
        cost: 333_333n,
      },
      {
        day: day("2026-02-01"),
        userId: u2.user.id,
        groupId: "",
        apiKeyId: "",
        model: "m-a",
        requests: 3,
        promptTokens: 30n,
        completionTokens: 30n,
        cost: 2_000_000n,
      },
      {
        day: day("2025-12-01"),
        userId: u2.user.id,
        groupId: "",
        apiKeyId: "",
        model: "m-a",
        requests: 9,
        promptTokens: 9n,
        completionTokens: 9n,
        cost: 9_000_000n,
      },
    ],
  });
  // A request that is not in the rollup: the report must not see it (it never scans requests).
  await db.request.create({
    data: {
      id: "unrolled",
      userId: u1.user.id,
      model: "m-a",
      status: "OK",
      cost: 50_000_000n,
      promptTokens: 999,
      createdAt: day("2026-01-30"),
    },
  });
  const provider = await createProvider({ name: "summary-openai", kind: "OPENAI", baseUrl: `${up.url}/v1` });
  await createModel({
    publicId: "summary-model",
    providerId: provider.id,
    upstreamId: "fake-model",
    inputPrice: "1",
    outputPrice: "1",
  });
});
afterAll(async () => {
  await flushRecords();
  await up.close();
});

const report = async (qs: string) => {
  const res = await call(usage.GET, {
    bearer: ADMIN_TOKEN,
    path: `/api/admin/usage?from=2026-01-30&to=2026-02-01&${qs}`,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<Report>(res);
};

describe("GET /api/admin/usage", () => {
  it("groups the daily rollup by day with totals and averages", async () => {
    const body = await report("group_by=day");
    expect(body).toMatchObject({ from: "2026-01-30", to: "2026-02-01", group_by: "day" });
    expect(body.rows.map((r) => [r.key, r.requests, r.cost])).toEqual([
      ["2026-01-30", 2, "1.000000"],
      ["2026-01-31", 1, "0.333333"],
      ["2026-02-01", 3, "2.000000"],
    ]);
    expect(body.rows[0]).toMatchObject({ promptTokens: 100, completionTokens: 50, avgCostPerRequest: "0.500000" });
    expect(body.totals).toEqual({
      requests: 6,
      promptTokens: 140,
      completionTokens: 85,
      cost: "3.333333",
      avgCostPerRequest: "0.555556",
    });
  });

  it("groups by month, user, group, model and key with readable labels", async () => {
    expect((await report("group_by=month")).rows.map((r) => [r.key, r.requests, r.cost])).toEqual([
      ["2026-01", 3, "1.333333"],
      ["2026-02", 3, "2.000000"],
    ]);
    expect((await report("group_by=user")).rows.map((r) => [r.label, r.cost])).toEqual([
      [u2.email, "2.000000"],
      [u1.email, "1.333333"],
    ]);
    expect((await report("group_by=group")).rows.map((r) => [r.key, r.label])).toEqual([
      ["", "(no group)"],
      [groupId, "=evil,group"],
    ]);
    expect((await report("group_by=model")).rows.map((r) => [r.key, r.requests, r.avgCostPerRequest])).toEqual([
      ["m-a", 5, "0.600000"],
      ["m-b", 1, "0.333333"],
    ]);
    const byKey = await report("group_by=key");
    expect(byKey.rows.map((r) => r.label)).toEqual(["(chat, no key)", `usage-one key (${u1.key.slice(0, 10)}…)`]);
  });

  it("answers 400 naming the field for a bad range or grouping", async () => {
    await expectValidationError(
      await call(usage.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/usage?group_by=week" }),
      "group_by",
    );
    await expectValidationError(
      await call(usage.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/usage?from=last-week" }),
      "from",
    );
    await expectValidationError(
      await call(usage.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/usage?from=2026-02-02&to=2026-02-01" }),
      "to",
    );
    await expectValidationError(
      await call(usage.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/usage?from=2000-01-01&to=2026-02-01" }),
      "from",
    );
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(usage.GET, { path: "/api/admin/usage" });
  });
});

describe("GET /api/admin/usage/export", () => {
  it("downloads the report as CSV with a header row and safe cells", async () => {
    const res = await call(exportCsv.GET, {
      bearer: ADMIN_TOKEN,
      path: "/api/admin/usage/export?from=2026-01-30&to=2026-02-01&group_by=group",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="tollgate-usage-2026-01-30-to-2026-02-01-by-group.csv"',
    );
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toBe("group,label,requests,prompt_tokens,completion_tokens,cost,avg_cost_per_request");
    expect(lines[1]).toBe(",(no group),3,30,30,2.000000,0.666667");
    expect(lines[2]).toBe(`${groupId},"'=evil,group",3,110,55,1.333333,0.444444`);
  });

  it("answers 400 for a bad grouping and is for administrators only", async () => {
    await expectValidationError(
      await call(exportCsv.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/usage/export?group_by=year" }),
      "group_by",
    );
    await expectAdminOnly(exportCsv.GET, { path: "/api/admin/usage/export" });
  });
});

describe("POST /api/admin/usage/summary", () => {
  it("asks the chosen model through the gateway, with the period's figures in the prompt", async () => {
    const cookie = await cookieFor(ADMIN_EMAIL);
    const res = await call(summary.POST, {
      cookie,
      body: { from: "2026-01-30", to: "2026-02-01", model: "summary-model" },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await json(res)).toMatchObject({
      summary: "tok0 tok1 tok2 tok3 tok4",
      model: "summary-model",
      from: "2026-01-30",
      to: "2026-02-01",
    });
    const sent = up.requests.filter((r) => r.path === "/v1/chat/completions").at(-1)!;
    const system = sent.body.messages[0].content as string;
    expect(system).toContain("Totals: 6 requests, 140 prompt tokens, 85 completion tokens, cost 3.333333");
    expect(system).toContain(`${u2.email}: 3 requests, 60 tokens, cost 2.000000`);
    expect(sent.body.stream).toBe(false);
    await flushRecords();
    const db = await getDb();
    const admin = await db.user.findUniqueOrThrow({ where: { email: ADMIN_EMAIL } });
    expect(await db.request.count({ where: { userId: admin.id, model: "summary-model", status: "OK" } })).toBe(1);
  });

  it("answers 403 for the ADMIN_API_KEY token, which has no user to bill", async () => {
    const res = await call(summary.POST, { bearer: ADMIN_TOKEN, body: { model: "summary-model" } });
    expect(res.status).toBe(403);
    expect((await json<{ error: { message: string } }>(res)).error.message).toMatch(/ADMIN_API_KEY/);
  });

  it("answers 404 for an unknown model and 400 naming the field", async () => {
    const cookie = await cookieFor(ADMIN_EMAIL);
    expect((await call(summary.POST, { cookie, body: { model: "no-such-model" } })).status).toBe(404);
    await expectValidationError(await call(summary.POST, { cookie, body: {} }), "model");
    await expectValidationError(
      await call(summary.POST, { cookie, body: { model: "summary-model", from: "soon" } }),
      "from",
    );
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(summary.POST, { body: { model: "summary-model" } });
  });
});
