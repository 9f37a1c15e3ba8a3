// Issue 19 item 5: GET /api/ready tells anyone whether the instance is ready (load balancers need
// the status code), but which parts fail — the database, Redis, how many providers answer — only
// an admin or the Prometheus scraper holding METRICS_TOKEN.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ready from "@/app/api/ready/route";
import { resetConfig } from "@/lib/config";
import { regularUser } from "../helpers/admin";
import { ADMIN_TOKEN, cookieFor, startApp } from "../helpers/app";

const METRICS_TOKEN = "metrics-token-0123456789abcdef";

beforeAll(async () => {
  process.env.METRICS_TOKEN = METRICS_TOKEN;
  resetConfig();
  await startApp();
});
afterAll(() => {
  delete process.env.METRICS_TOKEN;
  resetConfig();
});

const probe = async (headers: Record<string, string> = {}) => {
  const res = await ready.GET(new Request("http://localhost/api/ready", { headers }));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("GET /api/ready for a stranger", () => {
  it("answers the status code and status, and nothing about the database, Redis or providers", async () => {
    const user = await regularUser("curious");
    for (const headers of [
      {} as Record<string, string>,
      { authorization: "Bearer wrong-token" },
      { cookie: user.cookie },
      { authorization: `Bearer ${user.key}` },
      { cookie: "next-auth.session-token=garbage" },
    ]) {
      const { status, body } = await probe(headers);
      expect(status, JSON.stringify(headers)).toBe(503); // no provider in this file
      expect(body, JSON.stringify(headers)).toEqual({ status: "not_ready" });
    }
  });

  it("shows the parts to an admin (token or session) and to the metrics scraper", async () => {
    const admin = await cookieFor(process.env.ADMIN_EMAIL!);
    for (const headers of [
      { authorization: `Bearer ${ADMIN_TOKEN}` } as Record<string, string>,
      { cookie: admin },
      { authorization: `Bearer ${METRICS_TOKEN}` },
    ]) {
      const { status, body } = await probe(headers);
      expect(status).toBe(503);
      expect(body).toMatchObject({
        status: "not_ready",
        db: "ok",
        failing: ["providers"],
        providers: { reachable: 0, enabled: 0 },
      });
    }
  });
});
