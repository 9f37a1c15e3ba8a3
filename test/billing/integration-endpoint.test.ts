import { createHmac } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import * as tokens from "@/app/api/int/tokens/route";
import { getDb } from "@/lib/db/client";
import { call, json, startApp } from "../helpers/app";

const SECRET = "integration-secret-for-tests";
process.env.INTEGRATION_SECRET = SECRET;
beforeAll(startApp);

function signed(body: string, opts: { secret?: string; ts?: number } = {}) {
  const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
  const sig = createHmac("sha256", opts.secret ?? SECRET)
    .update(`${ts}.${body}`)
    .digest("hex");
  return { "x-tollgate-timestamp": ts, "x-tollgate-signature": sig, "content-type": "application/json" };
}

describe("POST /api/int/tokens", () => {
  it("creates the user by external id and sets the token quota with a valid signature", async () => {
    const body = JSON.stringify({
      external_id: "crm-1001",
      email: "crm.user@example.test",
      token_allowance: 5000,
      grant_amount: 1000,
      grant_period_seconds: 86400,
    });
    const res = await call(tokens.POST, { rawBody: body, headers: signed(body) });
    expect(res.status).toBe(200);
    const out = await json<{ created: boolean; limits: { tokenAllowance: string } }>(res);
    expect(out).toMatchObject({ created: true, limits: { tokenAllowance: "5000" } });
    const update = JSON.stringify({ external_id: "crm-1001", token_allowance: "7000" });
    const res2 = await call(tokens.POST, { rawBody: update, headers: signed(update) });
    expect(await json(res2)).toMatchObject({ created: false, limits: { tokenAllowance: "7000" } });
    const db = await getDb();
    const user = await db.user.findUniqueOrThrow({ where: { externalId: "crm-1001" }, include: { limit: true } });
    expect(user.limit?.tokenAllowance).toBe(7000n);
  });

  it("refuses a tampered body, a wrong secret, a missing signature, an old timestamp and a replay with 401", async () => {
    const body = JSON.stringify({ external_id: "crm-2002", email: "two@example.test", token_allowance: 10 });
    const headers = signed(body);
    const tampered = body.replace("10", "99999");
    expect((await call(tokens.POST, { rawBody: tampered, headers })).status).toBe(401);
    expect(
      (await call(tokens.POST, { rawBody: body, headers: signed(body, { secret: "wrong-secret-value" }) })).status,
    ).toBe(401);
    expect((await call(tokens.POST, { rawBody: body, headers: { "content-type": "application/json" } })).status).toBe(
      401,
    );
    expect(
      (await call(tokens.POST, { rawBody: body, headers: signed(body, { ts: Math.floor(Date.now() / 1000) - 3600 }) }))
        .status,
    ).toBe(401);
    expect((await call(tokens.POST, { rawBody: body, headers })).status).toBe(200);
    const replay = await call(tokens.POST, { rawBody: body, headers });
    expect(replay.status).toBe(401);
    expect((await json<{ error: { message: string } }>(replay)).error.message).toMatch(/replay/);
    const db = await getDb();
    expect(await db.user.count({ where: { externalId: "crm-2002" } })).toBe(1);
  });

  it("answers 400 naming the field for a signed but invalid body", async () => {
    const body = JSON.stringify({ external_id: "crm-3003", token_allowance: -5 });
    const res = await call(tokens.POST, { rawBody: body, headers: signed(body) });
    expect(res.status).toBe(400);
    expect((await json<{ error: { field: string } }>(res)).error.field).toBe("token_allowance");
  });
});
