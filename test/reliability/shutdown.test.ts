import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as health from "@/app/api/health/route";
import { getDb } from "@/lib/db/client";
import { createModel } from "@/lib/providers/admin";
import { drainAndStop, openStreams } from "@/lib/shutdown";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, startApp } from "../helpers/app";
import { gatewayFetch, seedProviders, userWithKey } from "../helpers/gateway";

const up = await startFakeUpstream();
let key = "";
beforeAll(async () => {
  await startApp();
  const p = await seedProviders(up);
  await createModel({
    publicId: "endless",
    providerId: p.compat,
    upstreamId: "fake-model:chunks=500:idle=20",
    inputPrice: "1",
    outputPrice: "1",
  });
  await createModel({
    publicId: "short",
    providerId: p.compat,
    upstreamId: "fake-model:chunks=5:idle=40",
    inputPrice: "1",
    outputPrice: "1",
  });
  ({ key } = await userWithKey());
});
afterAll(() => up.close());

function stream(model: string) {
  return gatewayFetch("http://tollgate.test/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "x" }], stream: true }),
  });
}

describe("SIGTERM with open streams", () => {
  it("turns health 503 at once, refuses new requests, lets short streams finish, ends long ones with an error event, and writes every record", async () => {
    const responses = await Promise.all([
      ...Array.from({ length: 10 }, () => stream("endless")),
      ...Array.from({ length: 10 }, () => stream("short")),
    ]);
    const bodies = responses.map((r) => r.text());
    await expect.poll(() => openStreams()).toBe(20);
    const draining = drainAndStop(3_000);
    expect((await call(health.GET)).status).toBe(503);
    const refused = await stream("short");
    expect(refused.status).toBe(503);
    const texts = await Promise.all(bodies);
    expect(texts.slice(10).every((t) => t.trimEnd().endsWith("data: [DONE]"))).toBe(true);
    expect(texts.slice(0, 10).every((t) => t.includes("shutting down") && !t.includes("[DONE]"))).toBe(true);
    await draining;
    const db = await getDb();
    const rows = await db.request.findMany({ where: { model: { in: ["endless", "short"] } } });
    expect(rows).toHaveLength(20);
    expect(rows.filter((r) => r.model === "short").every((r) => r.status === "OK" && r.completionTokens === 5)).toBe(
      true,
    );
    const cut = rows.filter((r) => r.model === "endless");
    expect(cut.every((r) => r.status === "PARTIAL" && r.completionTokens > 0 && r.cost > 0n)).toBe(true);
  });
});
