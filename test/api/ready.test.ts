// GET /api/ready: 200 only when the database, Redis (if configured) and at least one provider answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ready from "@/app/api/ready/route";
import { markDraining } from "@/lib/health";
import { createProvider, updateProvider } from "@/lib/providers/admin";
import { forgetProviderChecks } from "@/lib/readiness";
import { readinessDetailSchema } from "@/lib/validations/health";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { ADMIN_TOKEN, startApp } from "../helpers/app";
import type { FakeUpstream } from "../helpers/gateway";

let upstream: FakeUpstream;
beforeAll(async () => {
  await startApp();
  upstream = await startFakeUpstream({ port: 0 });
});
afterAll(async () => {
  await upstream?.close();
});

/** As an admin: the parts too (the public answer is the status alone; test/security/readiness-details.test.ts). */
async function probe() {
  const res = await ready.GET(
    new Request("http://localhost/api/ready", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
  );
  return { status: res.status, body: readinessDetailSchema.parse(await res.json()) };
}

const expectedRedis = process.env.REDIS_URL ? "ok" : "not_configured";

describe("GET /api/ready", () => {
  it("is not ready without an enabled provider", async () => {
    const { status, body } = await probe();
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: "not_ready",
      db: "ok",
      redis: expectedRedis,
      failing: ["providers"],
      providers: { reachable: 0, enabled: 0 },
    });
  });

  it("is not ready when the only provider does not answer", async () => {
    await createProvider({ name: "down", kind: "OPENAI_COMPATIBLE", baseUrl: "http://127.0.0.1:9/v1" });
    forgetProviderChecks();
    const { status, body } = await probe();
    expect(status).toBe(503);
    expect(body.providers).toEqual({ reachable: 0, enabled: 1 });
    expect(JSON.stringify(body)).not.toContain("127.0.0.1"); // counts only, even for admins
  });

  it("is ready once one enabled provider answers", async () => {
    const up = await createProvider({ name: "up", kind: "OPENAI_COMPATIBLE", baseUrl: `${upstream.url}/v1` });
    forgetProviderChecks();
    const { status, body } = await probe();
    expect(status).toBe(200);
    expect(body).toEqual({
      status: "ready",
      db: "ok",
      redis: expectedRedis,
      catalog: "loaded",
      providers: { reachable: 1, enabled: 2 },
      failing: [],
    });
    await updateProvider(up.id, { enabled: false });
    forgetProviderChecks();
    expect((await probe()).status).toBe(503);
    await updateProvider(up.id, { enabled: true });
    forgetProviderChecks();
  });

  it("caches provider checks for a few seconds", async () => {
    expect((await probe()).status).toBe(200);
    const calls = upstream.requests.length;
    expect((await probe()).status).toBe(200);
    expect(upstream.requests.length).toBe(calls);
    forgetProviderChecks();
    await probe();
    expect(upstream.requests.length).toBeGreaterThan(calls);
  });

  it("answers 503 while draining", async () => {
    markDraining();
    const { status, body } = await probe();
    expect(status).toBe(503);
    expect(body.status).toBe("draining");
  });
});
